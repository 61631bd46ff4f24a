"""Haitian Creole (Kreyòl ayisyen) calendar, zone and place names, which CLDR lacks.

CLDR (and so Babel) ships `ht` as a stub: months "M01", days in English, ISO dates.
Spelling follows the IPN orthography (Institut Pédagogique National, 1979/1980), names in
lowercase like French. Shapes are Babel's (days: 0 = Monday), except that date and time
patterns are CLDR strings and zone formats CLDR's `{0}` forms: `install_overlays` turns
them into what Babel holds. Where no Kreyòl name is in use for a city, its local name is
given, so readers never see an English or French one.
"""

from __future__ import annotations

from typing import Any

MONTHS_WIDE = ["janvye", "fevriye", "mas", "avril", "me", "jen", "jiyè", "out", "septanm",
               "oktòb", "novanm", "desanm"]
MONTHS_ABBREVIATED = ["jan.", "fev.", "mas", "avr.", "me", "jen", "jiy.", "out", "sept.",
                      "okt.", "nov.", "des."]
MONTHS_NARROW = ["J", "F", "M", "A", "M", "J", "J", "O", "S", "O", "N", "D"]

# Monday first, as Babel numbers days.
DAYS_WIDE = ["lendi", "madi", "mèkredi", "jedi", "vandredi", "samdi", "dimanch"]
DAYS_ABBREVIATED = ["len.", "mad.", "mèk.", "jed.", "van.", "sam.", "dim."]
DAYS_SHORT = ["le", "ma", "mè", "je", "va", "sa", "di"]
DAYS_NARROW = ["L", "M", "M", "J", "V", "S", "D"]

QUARTERS_WIDE = ["premye trimès", "dezyèm trimès", "twazyèm trimès", "katriyèm trimès"]


def _months(names: list[str]) -> dict[int, str]:
    return dict(enumerate(names, start=1))


def _days(names: list[str]) -> dict[int, str]:
    return dict(enumerate(names))


def _both(widths: dict[str, dict[int, str]]) -> dict[str, dict[str, dict[int, str]]]:
    # Kreyòl, like French, writes a name the same alone as inside a date.
    return {"format": widths, "stand-alone": dict(widths)}


# The times of meetings in 24 hours, to the minute ("9:30"), as Haiti writes them.
DATE_FORMATS = {"full": "EEEE d MMMM y", "long": "d MMMM y", "medium": "d MMM y",
                "short": "dd/MM/y"}
TIME_FORMATS = {"full": "H:mm:ss zzzz", "long": "H:mm:ss z", "medium": "H:mm:ss",
                "short": "H:mm"}
DATETIME_FORMATS = {"full": "{1}, {0}", "long": "{1}, {0}", "medium": "{1}, {0}",
                    "short": "{1}, {0}"}
# Flexible formats (babel.dates.format_skeleton), in the order of the full pattern above.
DATETIME_SKELETONS = {
    "Ed": "E d", "Hm": "H:mm", "Hms": "H:mm:ss", "Hmv": "H:mm v", "Hmsv": "H:mm:ss v",
    "EHm": "E H:mm", "EHms": "E H:mm:ss", "Md": "dd/MM", "MEd": "E dd/MM", "MMMd": "d MMM",
    "MMMEd": "E d MMM", "MMMMd": "d MMMM", "MMMMEd": "E d MMMM",
    "MMMMW": "'semèn' W 'nan' MMMM", "yM": "MM/y", "yMd": "dd/MM/y", "yMEd": "E dd/MM/y",
    "yMMM": "MMM y", "yMMMd": "d MMM y", "yMMMEd": "E d MMM y", "yMMMM": "MMMM y",
    "yQQQ": "QQQ y", "yQQQQ": "QQQQ y", "yw": "'semèn' w 'nan' Y",
}

ZONE_FORMATS = {"region": "lè {0}", "fallback": "{1} ({0})", "gmt": "UTC{0}",
                "gmtZero": "UTC", "hourFormat": "+HH:mm;-HH:mm"}

# Exemplar cities of the zones the service offers (the countries of
# coordinator/reference/countries.csv) and of the rest of the Caribbean.
CITIES = {
    # Argentina
    "America/Argentina/Buenos_Aires": "Buenos Aires",
    "America/Argentina/Catamarca": "Catamarca",
    "America/Argentina/Cordoba": "Córdoba",
    "America/Argentina/Jujuy": "Jujuy",
    "America/Argentina/La_Rioja": "La Rioja",
    "America/Argentina/Mendoza": "Mendoza",
    "America/Argentina/Rio_Gallegos": "Río Gallegos",
    "America/Argentina/Salta": "Salta",
    "America/Argentina/San_Juan": "San Juan",
    "America/Argentina/San_Luis": "San Luis",
    "America/Argentina/Tucuman": "Tucumán",
    "America/Argentina/Ushuaia": "Ushuaia",
    # Barbados, Belize
    "America/Barbados": "Babad",
    "America/Belize": "Beliz",
    # Brazil
    "America/Sao_Paulo": "Sao Paulo",
    "America/Araguaina": "Araguaína",
    "America/Bahia": "Bahia",
    "America/Belem": "Belém",
    "America/Boa_Vista": "Boa Vista",
    "America/Campo_Grande": "Campo Grande",
    "America/Cuiaba": "Cuiabá",
    "America/Eirunepe": "Eirunepé",
    "America/Fortaleza": "Fortaleza",
    "America/Maceio": "Maceió",
    "America/Manaus": "Manaus",
    "America/Noronha": "Fernando de Noronha",
    "America/Porto_Velho": "Porto Velho",
    "America/Recife": "Recife",
    "America/Rio_Branco": "Rio Branco",
    "America/Santarem": "Santarém",
    # Canada
    "America/Toronto": "Toronto",
    "America/Atikokan": "Atikokan",
    "America/Blanc-Sablon": "Blanc-Sablon",
    "America/Cambridge_Bay": "Cambridge Bay",
    "America/Creston": "Creston",
    "America/Dawson": "Dawson",
    "America/Dawson_Creek": "Dawson Creek",
    "America/Edmonton": "Edmonton",
    "America/Fort_Nelson": "Fort Nelson",
    "America/Glace_Bay": "Glace Bay",
    "America/Goose_Bay": "Goose Bay",
    "America/Halifax": "Halifax",
    "America/Inuvik": "Inuvik",
    "America/Iqaluit": "Iqaluit",
    "America/Moncton": "Moncton",
    "America/Rankin_Inlet": "Rankin Inlet",
    "America/Regina": "Regina",
    "America/Resolute": "Resolute",
    "America/St_Johns": "St. John’s",
    "America/Swift_Current": "Swift Current",
    "America/Vancouver": "Vancouver",
    "America/Whitehorse": "Whitehorse",
    "America/Winnipeg": "Winnipeg",
    # Chile
    "America/Santiago": "Santiago",
    "America/Coyhaique": "Coyhaique",
    "America/Punta_Arenas": "Punta Arenas",
    "Pacific/Easter": "Isla de Pascua",
    # Colombia, Costa Rica, Ecuador, El Salvador, Guatemala, Guyana, Haiti, Honduras, Jamaica
    "America/Bogota": "Bogota",
    "America/Costa_Rica": "Kosta Rika",
    "America/Guayaquil": "Guayaquil",
    "Pacific/Galapagos": "Galápagos",
    "America/El_Salvador": "Salvadò",
    "America/Guatemala": "Gwatemala",
    "America/Guyana": "Giyana",
    "America/Port-au-Prince": "Pòtoprens",
    "America/Tegucigalpa": "Tegucigalpa",
    "America/Jamaica": "Jamayik",
    # Mexico
    "America/Mexico_City": "Meksiko",
    "America/Bahia_Banderas": "Bahía de Banderas",
    "America/Cancun": "Cancún",
    "America/Chihuahua": "Chihuahua",
    "America/Ciudad_Juarez": "Ciudad Juárez",
    "America/Hermosillo": "Hermosillo",
    "America/Matamoros": "Matamoros",
    "America/Mazatlan": "Mazatlán",
    "America/Merida": "Mérida",
    "America/Monterrey": "Monterrey",
    "America/Ojinaga": "Ojinaga",
    "America/Tijuana": "Tijuana",
    # Panama, Paraguay, Peru, Suriname, Uruguay
    "America/Panama": "Panama",
    "America/Asuncion": "Asunción",
    "America/Lima": "Lima",
    "America/Paramaribo": "Paramaribo",
    "America/Montevideo": "Montevideo",
    # United States
    "America/New_York": "Nouyòk",
    "America/Adak": "Adak",
    "America/Anchorage": "Anchorage",
    "America/Boise": "Boise",
    "America/Chicago": "Chikago",
    "America/Denver": "Denver",
    "America/Detroit": "Detroit",
    "America/Indiana/Indianapolis": "Indianapolis",
    "America/Indiana/Knox": "Knox, Indiana",
    "America/Indiana/Marengo": "Marengo, Indiana",
    "America/Indiana/Petersburg": "Petersburg, Indiana",
    "America/Indiana/Tell_City": "Tell City, Indiana",
    "America/Indiana/Vevay": "Vevay, Indiana",
    "America/Indiana/Vincennes": "Vincennes, Indiana",
    "America/Indiana/Winamac": "Winamac, Indiana",
    "America/Juneau": "Juneau",
    "America/Kentucky/Louisville": "Louisville",
    "America/Kentucky/Monticello": "Monticello, Kentucky",
    "America/Los_Angeles": "Los Angeles",
    "America/Menominee": "Menominee",
    "America/Metlakatla": "Metlakatla",
    "America/Nome": "Nome",
    "America/North_Dakota/Beulah": "Beulah, North Dakota",
    "America/North_Dakota/Center": "Center, North Dakota",
    "America/North_Dakota/New_Salem": "New Salem, North Dakota",
    "America/Phoenix": "Phoenix",
    "America/Sitka": "Sitka",
    "America/Yakutat": "Yakutat",
    "Pacific/Honolulu": "Honolulu",
    # Spain (a partner)
    "Europe/Madrid": "Madrid",
    "Africa/Ceuta": "Ceuta",
    "Atlantic/Canary": "Canarias",
    # The rest of the Caribbean
    "America/Santo_Domingo": "Sendomeng",
    "America/Havana": "Lavàn",
    "America/Puerto_Rico": "Pòtoriko",
    "America/Martinique": "Matinik",
    "America/Guadeloupe": "Gwadloup",
}

TERRITORIES = {
    # Regions
    "001": "Lemonn", "002": "Afrik", "003": "Amerik di Nò", "005": "Amerik di Sid",
    "009": "Oseyani", "013": "Amerik Santral", "019": "Amerik", "029": "Karayib",
    "142": "Azi", "150": "Ewòp", "419": "Amerik Latin", "EU": "Inyon Ewopeyen",
    # The countries of the Declaration
    "AR": "Ajantin", "BB": "Babad", "BR": "Brezil", "BZ": "Beliz", "CA": "Kanada",
    "CL": "Chili", "CO": "Kolonbi", "CR": "Kosta Rika", "EC": "Ekwatè", "ES": "Espay",
    "GT": "Gwatemala", "GY": "Giyana", "HN": "Ondiras", "HT": "Ayiti", "JM": "Jamayik",
    "MX": "Meksik", "PA": "Panama", "PE": "Pewou", "PY": "Paragwe", "SR": "Sirinam",
    "SV": "Salvadò", "US": "Etazini", "UY": "Irigwe",
    # The rest of the Americas
    "AG": "Antigwa ak Babouda", "BO": "Bolivi", "BS": "Bahamas", "CU": "Kiba",
    "DM": "Dominik", "DO": "Repiblik Dominikèn", "GD": "Grenad", "KN": "Sen Kits ak Nevis",
    "LC": "Sent Lisi", "NI": "Nikaragwa", "TT": "Trinidad ak Tobago",
    "VC": "Sen Vensan ak Grenadin", "VE": "Venezwela",
    "AW": "Awouba", "BL": "Sen Batelmi", "BM": "Bèmid", "CW": "Kiraso", "GF": "Giyàn franse",
    "GL": "Groenlann", "GP": "Gwadloup", "KY": "Zile Kayiman", "MF": "Sen Maten",
    "MQ": "Matinik", "PM": "Sen Pyè ak Miklon", "PR": "Pòtoriko",
    "VG": "Zile Vyèj Britanik", "VI": "Zile Vyèj Ameriken",
    # Others often named
    "AU": "Ostrali", "BE": "Bèljik", "CH": "Swis", "CN": "Lachin", "CV": "Kap Vè",
    "DE": "Almay", "EG": "Ejip", "FR": "Lafrans", "GB": "Wayòm Ini", "IN": "End",
    "IT": "Itali", "JP": "Japon", "KR": "Kore di Sid", "MA": "Mawòk", "NL": "Peyiba",
    "PT": "Pòtigal", "RU": "Risi", "SN": "Senegal", "UA": "Ikrèn", "VA": "Vatikan",
    "ZA": "Afrik di Sid",
}

LANGUAGES = {
    "ar": "arab", "ay": "aymara", "de": "alman", "en": "angle", "es": "panyòl",
    "fr": "franse", "gn": "gwarani", "ht": "kreyòl ayisyen", "it": "italyen",
    "ja": "japonè", "nl": "olandè", "pt": "pòtigè", "qu": "kechwa", "ru": "ris",
    "zh": "chinwa",
}


def _field(unit: str, last: str | None = None, this: str | None = None,
           following: str | None = None) -> dict[str, Any]:
    # Kreyòl nouns do not change with the number: "1 jou", "3 jou".
    relative = {k: v for k, v in ((-1, last), (0, this), (1, following)) if v}
    return {"future": {"other": f"nan {{0}} {unit}"}, "past": {"other": f"sa fè {{0}} {unit}"},
            "relative": relative}


DATA: dict[str, Any] = {
    "months": _both({"wide": _months(MONTHS_WIDE),
                     "abbreviated": _months(MONTHS_ABBREVIATED),
                     "narrow": _months(MONTHS_NARROW)}),
    "days": _both({"wide": _days(DAYS_WIDE), "abbreviated": _days(DAYS_ABBREVIATED),
                   "short": _days(DAYS_SHORT), "narrow": _days(DAYS_NARROW)}),
    "quarters": _both({"wide": _months(QUARTERS_WIDE),
                       "abbreviated": _months(["T1", "T2", "T3", "T4"]),
                       "narrow": _months(["1", "2", "3", "4"])}),
    "date_formats": DATE_FORMATS,
    "time_formats": TIME_FORMATS,
    "datetime_formats": DATETIME_FORMATS,
    "datetime_skeletons": DATETIME_SKELETONS,
    "zone_formats": ZONE_FORMATS,
    "time_zones": {zone: {"city": city} for zone, city in CITIES.items()},
    "territories": TERRITORIES,
    "languages": LANGUAGES,
    "list_patterns": {
        "standard": {"start": "{0}, {1}", "middle": "{0}, {1}", "end": "{0} ak {1}",
                     "2": "{0} ak {1}"},
        "or": {"start": "{0}, {1}", "middle": "{0}, {1}", "end": "{0} oswa {1}",
               "2": "{0} oswa {1}"},
    },
    "date_fields": {
        "year": _field("ane", "ane pase", "ane sa a", "ane pwochèn"),
        "month": _field("mwa", "mwa pase", "mwa sa a", "mwa pwochèn"),
        "week": _field("semèn", "semèn pase", "semèn sa a", "semèn pwochèn"),
        "day": _field("jou", "yè", "jodi a", "demen"),
        "hour": _field("èdtan", this="èdtan sa a"),
        "minute": _field("minit", this="minit sa a"),
    },
}
