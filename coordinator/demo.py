"""Believable demo data, so a newcomer's first look shows a living system.

Dates are laid out around `now`: a year of history (some agendas on time, some late,
one missing), meetings whose suggestion windows are open, and the months ahead.
All addresses are at example.org.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import urlsplit

from argon2 import PasswordHasher
from flask import current_app
from sqlalchemy import func, select

from coordinator.agendas.services import add_item, publish_agenda
from coordinator.cadence.deadlines import DeadlineOffsets, deadlines_for
from coordinator.cadence.kinds import SeriesKind
from coordinator.extensions import db
from coordinator.invitations.participants import add_participant, invite_host_observers
from coordinator.meetings.hosts import set_host_country
from coordinator.meetings.series import SeriesInput, schedule_series
from coordinator.models import (
    Account,
    Committee,
    Contact,
    Country,
    Meeting,
    MeetingStatus,
    Organisation,
    ParticipantRole,
    RegistrationState,
    Role,
    Scope,
    Series,
)
from coordinator.outcomes.action_items import Owner, add_action_item
from coordinator.outcomes.commitments import (
    Responsible,
    add_update,
    create_commitment,
    create_plan,
    publish_plan,
    set_status,
)
from coordinator.outcomes.contributions import accept_contribution, submit_contribution
from coordinator.outcomes.indicators import (
    IndicatorSpec,
    add_indicator,
    add_measurement,
    assess,
)
from coordinator.outcomes.minutes import publish_minutes, save_draft
from coordinator.outcomes.models import Commitment
from coordinator.unit import Actor, unit_of_work


class DemoExists(RuntimeError):
    pass


@dataclass(frozen=True)
class DemoOrg:
    name: str
    countries: tuple[str, ...]
    scope: Scope
    kinds: tuple[str, ...]
    led_by: tuple[str, ...]
    contacts: tuple[tuple[str, str, str, str], ...]  # name, email, language, zone
    state: RegistrationState = RegistrationState.APPROVED
    reason: str | None = None


ORGS = (
    DemoOrg("Red de Acogida Migrante de Quetzaltenango", ("GT",), Scope.LOCAL,
            ("service-provider",), ("migrant",),
            (("Ana Lucía Ixcot", "ana.ixcot@example.org", "es", "America/Guatemala"),
             ("Mario Tzul", "mario.tzul@example.org", "es", "America/Guatemala"))),
    DemoOrg("Observatorio Guatemalteco de Movilidad Humana", ("GT",), Scope.NATIONAL,
            ("research",), (),
            (("Sofía Pérez", "sofia.perez@example.org", "es", "America/Guatemala"),)),
    DemoOrg("Casa del Migrante Frontera Sur", ("MX",), Scope.LOCAL,
            ("service-provider", "faith-based"), (),
            (("Hna. Rosa Méndez", "rosa.mendez@example.org", "es", "America/Mexico_City"),)),
    DemoOrg("Colectiva Mujeres en Movimiento", ("MX", "GT"), Scope.NATIONAL,
            ("advocacy",), ("women", "migrant"),
            (("Daniela Ortiz", "daniela.ortiz@example.org", "es", "America/Mexico_City"),)),
    DemoOrg("Fundación Puentes Andinos", ("CO", "EC"), Scope.NATIONAL,
            ("service-provider",), ("refugee",),
            (("Yohana Rincón", "yohana.rincon@example.org", "es", "America/Bogota"),
             ("Luis Carvajal", "luis.carvajal@example.org", "en", "America/Bogota"))),
    DemoOrg("Instituto Travessia Migrante", ("BR",), Scope.NATIONAL, ("legal-aid",), (),
            (("Beatriz Gonçalves", "beatriz.goncalves@example.org", "pt", "America/Sao_Paulo"),)),
    DemoOrg("Coletivo Vozes Warao", ("BR",), Scope.LOCAL, ("advocacy",), ("indigenous",),
            (("João Moraes", "joao.moraes@example.org", "pt", "America/Manaus"),)),
    DemoOrg("Fondasyon Kore Migran", ("HT",), Scope.NATIONAL, ("service-provider",),
            ("migrant",),
            (("Wilner Jean-Baptiste", "wilner.jb@example.org", "ht", "America/Port-au-Prince"),
             ("Nadège Pierre", "nadege.pierre@example.org", "fr", "America/Port-au-Prince"))),
    DemoOrg("Corporación Frontera Abierta", ("CL",), Scope.NATIONAL, ("advocacy",), (),
            (("Camila Rojas", "camila.rojas@example.org", "es", "America/Santiago"),)),
    DemoOrg("Borderlands Legal Collaborative", ("US",), Scope.NATIONAL, ("legal-aid",), (),
            (("Grace Okafor", "grace.okafor@example.org", "en", "America/Chicago"),)),
    DemoOrg("Réseau d'accueil des personnes réfugiées", ("CA",), Scope.NATIONAL,
            ("service-provider", "network"), ("refugee",),
            (("Mathieu Tremblay", "mathieu.tremblay@example.org", "fr", "America/Toronto"),)),
    DemoOrg("Red Regional de Sociedad Civil para la Protección", ("GT", "MX", "CO", "PA", "CR"),
            Scope.REGIONAL, ("network", "advocacy"), ("black", "migrant"),
            (("Esther Mosquera", "esther.mosquera@example.org", "es", "America/Panama"),
             ("Kevin Brathwaite", "kevin.brathwaite@example.org", "en", "America/Panama"))),
    DemoOrg("Asociación Juventudes sin Fronteras", ("PE",), Scope.LOCAL, ("advocacy",),
            ("youth",),
            (("Renzo Huamán", "renzo.huaman@example.org", "es", "America/Lima"),),
            RegistrationState.VERIFIED),
    DemoOrg("Consultora Migración Express S.A.", ("PA",), Scope.NATIONAL, ("service-provider",),
            (), (("Info", "info@example.org", "es", "America/Panama"),),
            RegistrationState.DECLINED,
            "A for-profit visa agency, not a civil-society organisation (criterion 1)."),
)

# Demo accounts share this password so a newcomer can log in after `make run`, but only
# when the service answers on this machine alone (a loopback BASE_URL): a demo loaded on
# a public address gets no password, and its accounts choose one through a mailed link.
DEMO_PASSWORD = "demo-password-2026"  # noqa: S105


def demo_password_allowed() -> bool:
    host = urlsplit(current_app.config["BASE_URL"]).hostname or ""
    return host in {"127.0.0.1", "localhost", "::1"}

ACCOUNTS = (
    ("Secretariat", "secretariat@example.org", Role.SECRETARIAT, None, None, "en",
     "America/Panama"),
    ("Coordinadora Especial de Guatemala", "coordinacion.gt@example.org",
     Role.SPECIAL_COORDINATOR, "GT", None, "es", "America/Guatemala"),
    ("Coordinador Especial de México", "coordinacion.mx@example.org",
     Role.SPECIAL_COORDINATOR, "MX", None, "es", "America/Mexico_City"),
    ("Coordinadora Especial de Colombia", "coordinacion.co@example.org",
     Role.SPECIAL_COORDINATOR, "CO", None, "es", "America/Bogota"),
    ("Coordenadora Especial do Brasil", "coordenacao.br@example.org",
     Role.SPECIAL_COORDINATOR, "BR", None, "pt", "America/Sao_Paulo"),
    ("Coordonnateur spécial d'Haïti", "coordination.ht@example.org",
     Role.SPECIAL_COORDINATOR, "HT", None, "fr", "America/Port-au-Prince"),
    ("Coordinadora Especial de Chile", "coordinacion.cl@example.org",
     Role.SPECIAL_COORDINATOR, "CL", None, "es", "America/Santiago"),
    ("Special Coordinator, United States", "coordination.us@example.org",
     Role.SPECIAL_COORDINATOR, "US", None, "en", "America/New_York"),
    ("Special Coordinator, Canada", "coordination.ca@example.org",
     Role.SPECIAL_COORDINATOR, "CA", None, "en", "America/Toronto"),
    ("Labor Mobility Committee", "labor-mobility@example.org",
     Role.COMMITTEE_COORDINATOR, None, "labor-mobility", "es", "America/Mexico_City"),
    ("Temporary Protection Committee", "temporary-protection@example.org",
     Role.COMMITTEE_COORDINATOR, None, "temporary-protection-regularization", "es",
     "America/Bogota"),
    ("Investing in Asylum Committee", "asylum@example.org",
     Role.COMMITTEE_COORDINATOR, None, "investing-in-asylum", "en", "America/Toronto"),
    ("Host Communities Committee", "host-communities@example.org",
     Role.COMMITTEE_COORDINATOR, None, "integration-host-communities", "es", "America/Santiago"),
)

# country, days from today to its next meeting, local time, venue
NATIONAL = (
    ("GT", 30, time(10, 0), "Ministerio de Relaciones Exteriores, Ciudad de Guatemala"),
    ("MX", 45, time(10, 0), "Secretaría de Relaciones Exteriores, Ciudad de México"),
    ("CO", 12, time(9, 30), "Cancillería, Bogotá"),
    ("BR", 60, time(14, 0), "Itamaraty, Brasília"),
    ("HT", 38, time(10, 0), "Ministère des Affaires étrangères, Port-au-Prince"),
    ("CL", 75, time(10, 0), "Cancillería, Santiago"),
    ("US", 21, time(10, 0), None),  # online: no place, a link ("Online" in each language)
    ("CA", 52, time(11, 0), None),
)
COMMITTEES = (
    ("labor-mobility", 35, time(10, 0), "America/Mexico_City"),
    ("temporary-protection-regularization", 90, time(9, 0), "America/Bogota"),
    ("investing-in-asylum", 120, time(11, 0), "America/Toronto"),
    ("integration-host-communities", 150, time(10, 0), "America/Santiago"),
)


def load_demo(*, now: datetime, only_if_empty: bool = False) -> dict[str, int]:
    """Add the demo; refuses to add it twice."""
    if db.session.scalar(select(func.count(Organisation.id)).where(
            Organisation.name == ORGS[0].name)):
        raise DemoExists("The demo data is already loaded.")
    if only_if_empty and db.session.scalar(select(func.count(Series.id))):
        raise DemoExists("Series exist already; the demo was not added.")
    actor = Actor("demo")
    with unit_of_work(actor, now):
        return _load(now, actor)


def _load(now: datetime, actor: Actor) -> dict[str, int]:
    today = now.date()
    with unit_of_work(actor, now) as unit:
        session = unit.session
        countries = {c.iso: c for c in session.scalars(select(Country))}
        committees = {c.slug: c for c in session.scalars(select(Committee))}
        orgs: dict[str, Organisation] = {}
        for spec in ORGS:
            org = Organisation(
                name=spec.name, scope=spec.scope, kinds=list(spec.kinds),
                led_by=list(spec.led_by), registration_state=spec.state,
                registration_reason=spec.reason, created_at=now,
                countries=[countries[iso] for iso in spec.countries],
            )
            for name, email, language, zone in spec.contacts:
                org.contacts.append(Contact(name=name, email=email, language=language,
                                            zone=zone, created_at=now))
            session.add(org)
            orgs[spec.name] = org
        accounts = {}
        demo_hash = PasswordHasher().hash(DEMO_PASSWORD) if demo_password_allowed() else None
        for name, email, role, iso, slug, language, zone in ACCOUNTS:
            account = Account(name=name, email=email, role=role,
                              country=countries.get(iso) if iso else None,
                              committee=committees.get(slug) if slug else None,
                              language=language, zone=zone, created_at=now,
                              password_hash=demo_hash)
            session.add(account)
            accounts[iso or slug or "secretariat"] = account
        # Recommendation 4: a designated CSO representative per committee.
        committees["labor-mobility"].representative = orgs[ORGS[3].name].contacts[0]
        committees["temporary-protection-regularization"].representative = (
            orgs[ORGS[4].name].contacts[0])
        committees["investing-in-asylum"].representative = orgs[ORGS[10].name].contacts[0]
        # The accounts need their ids now: the series below name their coordinators by id
        # (without this, Guatemala's, scheduled first, got none and mailed as "Secretariat").
        session.flush()
        unit.record("demo.load", "demo", None, organisations=len(ORGS), accounts=len(ACCOUNTS))
    approved = [o for o in orgs.values() if o.registration_state == RegistrationState.APPROVED]

    series_made = []
    for iso, days_ahead, at, venue in NATIONAL:
        first = _day_up_to_28(today + timedelta(days=days_ahead) - timedelta(days=4 * 91))
        series_made.append((schedule_series(SeriesInput(
            kind=SeriesKind.NATIONAL, country=iso, first_date=first, start_time=at,
            zone=countries[iso].capital_zone, duration_minutes=120, location=venue,
            online_url=None if venue else "https://meet.example.org/" + iso.lower(),
            coordinator_id=accounts[iso].id,
        ), now=now, actor=actor, since=_history_from(first)), iso))
    for slug, days_ahead, at, zone in COMMITTEES:
        first = _day_up_to_28(today + timedelta(days=days_ahead) - timedelta(days=182))
        series_made.append((schedule_series(SeriesInput(
            kind=SeriesKind.COMMITTEE, committee=slug, first_date=first, start_time=at,
            zone=zone, duration_minutes=120, location=None,
            online_url=f"https://meet.example.org/{slug}", coordinator_id=accounts[slug].id,
        ), now=now, actor=actor, since=_history_from(first)), slug))
    regional = schedule_series(SeriesInput(
        kind=SeriesKind.REGIONAL, first_date=_weekday(today + timedelta(days=200)),
        start_time=time(9, 0),
        zone="America/Panama", duration_minutes=8 * 60, held_by=today + timedelta(days=240),
        location="Ciudad de Panamá", holiday_country="PA",
        description="Special coordinators and civil society agree the joint work plan.",
        coordinator_id=accounts["secretariat"].id,
    ), now=now, actor=actor)
    coordinators = schedule_series(SeriesInput(
        kind=SeriesKind.COORDINATORS, first_date=_weekday(today + timedelta(days=70)),
        start_time=time(11, 0), zone="America/Panama", duration_minutes=180,
        location=None, online_url="https://meet.example.org/coordinators",
        holiday_country="", coordinator_id=accounts["secretariat"].id,
    ), now=now, actor=actor)
    extraordinary = schedule_series(SeriesInput(
        # Extraordinary meetings may fall on a weekend; the demo's does not.
        kind=SeriesKind.EXTRAORDINARY, first_date=_weekday(today + timedelta(days=10)),
        start_time=time(10, 0), zone="America/Port-au-Prince", duration_minutes=90,
        title="Pillar IV – emergency response to displacement after the storms",
        location=None, online_url="https://meet.example.org/pillar-iv",
        offsets=DeadlineOffsets(9, 5, 3, (1,)),
        short_notice_justification="Emergency response: displacement after the storms.",
        coordinator_id=accounts["secretariat"].id,
    ), now=now, actor=actor)

    for made, key in series_made:
        if made.kind == SeriesKind.NATIONAL:
            invited = [o for o in approved if any(c.iso == key for c in o.countries)]
        else:
            assert made.committee is not None  # the demo's other series are committee series
            leads = {c.iso for c in made.committee.lead_countries}
            invited = [o for o in approved if leads & {c.iso for c in o.countries}]
        for org in invited:
            add_participant(now=now, actor=actor, series_id=made.id, organisation_id=org.id)
        if made.committee is not None and made.committee.representative is not None:
            add_participant(now=now, actor=actor, series_id=made.id,
                            contact_id=made.committee.representative.id,
                            role=ParticipantRole.REPRESENTATIVE)
        _publish_past_agendas(made, now)
    for made in (regional, extraordinary):
        for org in approved:
            add_participant(now=now, actor=actor, series_id=made.id, organisation_id=org.id)
    _publish_an_agenda(series_made, now, actor)
    _outcomes(series_made, now, actor)
    agreed = _work_plan(now, actor, accounts, orgs)
    for org in approved:
        if org.scope == Scope.REGIONAL:
            add_participant(now=now, actor=actor, series_id=coordinators.id,
                            organisation_id=org.id, role=ParticipantRole.OBSERVER)
    # Recommendation 8: the special coordinators themselves take part; the first meeting is
    # convened by Guatemala, whose national organisations observe it.
    for account in accounts.values():
        if account.role == Role.SPECIAL_COORDINATOR:
            add_participant(now=now, actor=actor, series_id=coordinators.id,
                            account_id=account.id)
    first = db.session.scalar(select(Meeting).where(Meeting.series_id == coordinators.id)
                              .order_by(Meeting.start_at).limit(1))
    if first is not None:
        set_host_country(first.id, "GT", now=now, actor=actor)
        invite_host_observers(first.id, now=now, actor=actor)
    return {"organisations": len(ORGS), "accounts": len(ACCOUNTS),
            "series": len(series_made) + 4,
            "meetings": sum(_meeting_count(s) for s, _ in series_made) + 3
            + _meeting_count(agreed), "commitments": len(PLAN)}


def _meeting_count(series: Series) -> int:
    fresh = db.session.get(Series, series.id)
    assert fresh is not None  # the demo made it in this transaction
    return len(fresh.meetings)


def _publish_an_agenda(series_made: list[tuple[Series, str]], now: datetime,
                       actor: Actor) -> None:
    """Mexico's next national meeting has its agenda out, well ahead of its due date."""
    mexico = next(series for series, key in series_made if key == "MX")
    meeting = next(m for m in mexico.meetings if m.start_at > now)
    for kind, title, presenter, minutes in (
        ("progress", "Avances en los compromisos de regularización migratoria",
         "Secretaría de Relaciones Exteriores", 30),
        ("cso-proposal", "Acceso a la salud de personas migrantes en tránsito",
         "Casa del Migrante Frontera Sur", 20),
        ("discussion", "Plan de trabajo conjunto para el próximo semestre", None, 30),
        ("other", "Asuntos generales", None, 10),
    ):
        add_item(meeting.id, now=now, actor=actor, kind=kind, title=title, presenter=presenter,
                 duration=minutes, language="es")
    publish_agenda(meeting.id, now=now, actor=actor)


# Issue 16: what came out of past meetings (minutes, action items), per national series.
OUTCOMES = {
    "GT": ("La reunión revisó los avances en **regularización migratoria** y el acceso a "
           "documentos de identidad.\n\n- La Cancillería presentó el calendario de jornadas "
           "consulares.\n- Las organizaciones pidieron datos desagregados por departamento.",
           ["Publicar el calendario de jornadas consulares", "Compartir datos desagregados"],
           ("Enviar el informe sobre costos consulares a las organizaciones",
            "Publicar el calendario de jornadas consulares del semestre")),
    "MX": ("Se revisó el **acceso a la salud** de personas migrantes en tránsito y la "
           "coordinación con los albergues de la frontera sur.",
           ["Mesa técnica con la Secretaría de Salud"],
           ("Convocar la mesa técnica de salud con los albergues",
            "Compartir el directorio de albergues actualizado")),
}


def _outcomes(series_made: list[tuple[Series, str]], now: datetime, actor: Actor) -> None:
    """Published minutes for the latest past meeting of two countries, an action item
    from a year ago that is overdue now and one from the latest meeting, still open (the
    next meeting's draft agenda lists them to follow up)."""
    for key, (text, decisions, (old_item, new_item)) in OUTCOMES.items():
        series = next(series for series, made in series_made if made == key)
        past = sorted((m for m in series.meetings
                       if m.end_at <= now and m.status != MeetingStatus.CANCELLED),
                      key=lambda m: m.start_at)
        if not past:
            continue
        earliest, latest = past[0], past[-1]
        add_action_item(text=old_item, owner=Owner(country=key),
                        due_on=earliest.start_local.date() + timedelta(days=30),
                        meeting_id=earliest.id, written_in="es",
                        now=earliest.end_at + timedelta(hours=1), actor=actor)
        add_action_item(text=new_item, owner=Owner(country=key),
                        due_on=now.astimezone(latest.start_local.tzinfo).date()
                        + timedelta(days=30),
                        meeting_id=latest.id, written_in="es", now=now, actor=actor)
        save_draft(latest.id, text=text, decisions=decisions, written_in="es", now=now,
                   actor=actor)
        publish_minutes(latest.id, now=now, actor=actor)


# Issue 16: the joint work plan agreed at last year's regional meeting, five months ago.
# Each commitment: who keeps it (a country's ISO code or a committee's slug), pillar,
# action package, language, text, months to its target, and one indicator with the
# values measured a month apart since the meeting (a qualitative one: its ratings).
@dataclass(frozen=True)
class DemoCommitment:
    keeper: str
    pillar: str
    package: str | None
    language: str
    text: str
    months: int
    indicator: IndicatorSpec
    values: tuple[float, ...] = ()
    ratings: tuple[tuple[str, str], ...] = ()  # rating, narrative


def _spec(name: str, unit: str, baseline: float, target: float,
          label: str | None = None) -> IndicatorSpec:
    """A quantitative indicator; its baseline date is set a month before the meeting."""
    return IndicatorSpec(kind="quantitative", name=name, unit=unit, unit_label=label,
                         baseline=baseline, target=target,
                         direction="increase" if target >= baseline else "decrease")


PLAN = (
    DemoCommitment("GT", "I", "temporary-protection-regularization", "es",
                   "Regularizar a 40 000 personas migrantes mediante permisos temporales de "
                   "permanencia, con jornadas de registro en los departamentos fronterizos.",
                   24, _spec("Personas con permiso temporal de permanencia", "people",
                             8500, 40000), (11200, 15800, 19400, 24100)),
    DemoCommitment("MX", "II", "labor-mobility", "es",
                   "Ampliar a 25 000 plazas anuales el programa de visas de trabajo temporal "
                   "para personas de Centroamérica.",
                   18, _spec("Visas de trabajo temporal emitidas en el año", "other", 9000,
                             25000, "visas"), (10400, 12900, 15300)),
    DemoCommitment("CO", "I", "integration-host-communities", "es",
                   "Afiliar al sistema de salud a tres de cada cuatro personas migrantes con "
                   "Permiso por Protección Temporal.",
                   24, _spec("Personas migrantes con PPT afiliadas al sistema de salud",
                             "percent", 42, 75), (45, 49, 53, 58)),
    DemoCommitment("BR", "II", "investing-in-asylum", "pt",
                   "Reduzir para seis meses o prazo médio de decisão dos pedidos de refúgio.",
                   24, _spec("Prazo médio de decisão dos pedidos de refúgio", "days", 540,
                             180), (510, 470, 430, 395)),
    DemoCommitment("HT", "I", None, "fr",
                   "Accueillir dignement les personnes rapatriées à la frontière, avec un "
                   "accompagnement psychosocial et une orientation vers les services.",
                   18, IndicatorSpec(kind="qualitative",
                                     name="Qualité de l'accueil des personnes rapatriées"),
                   ratings=(("off-track", "Un seul point d'accueil fonctionne, sans "
                             "psychologue ; les organisations signalent des attentes de "
                             "plusieurs heures."),
                            ("some-progress", "Deux points d'accueil ouverts à Ouanaminthe et "
                             "Belladère, avec une équipe psychosociale partagée."))),
    DemoCommitment("US", "III", "humane-border-management", "en",
                   "Enrol 15,000 people in community-based alternatives to immigration "
                   "detention, with legal orientation for every participant.",
                   24, _spec("People enrolled in alternatives to detention", "people", 4000,
                             15000), (5200, 6900, 8100)),
    DemoCommitment("CA", "III", "countering-trafficking", "en",
                   "Train 2,000 border and immigration officers to identify and refer victims "
                   "of human trafficking.",
                   30, _spec("Officers trained to identify victims of trafficking", "people",
                             120, 2000), (120, 150, 210)),
    DemoCommitment("labor-mobility", "II", "labor-mobility", "es",
                   "Publicar una guía regional de reclutamiento ético y lograr que seis países "
                   "la apliquen en sus programas de movilidad laboral.",
                   12, _spec("Países que aplican la guía de reclutamiento ético", "number",
                             0, 6), (1, 2, 4, 6)),
    DemoCommitment("temporary-protection-regularization", "I",
                   "temporary-protection-regularization", "es",
                   "Armonizar los requisitos documentales de los programas de protección "
                   "temporal, aceptando documentos de identidad vencidos.",
                   24, _spec("Programas de protección temporal que aceptan documentos "
                             "vencidos", "number", 2, 8), (2, 3, 5)),
    DemoCommitment("investing-in-asylum", "II", "investing-in-asylum", "en",
                   "Fund asylum capacity projects in host countries through the Investing in "
                   "Asylum package.",
                   24, _spec("Funding committed to asylum capacity", "money", 12_000_000,
                             60_000_000, "USD"), (18_000_000, 26_000_000, 31_000_000)),
)
# Where the public timeline goes beyond the measurements: (keeper, days after the meeting,
# text, source). A status change: (keeper, days after the meeting, status, text).
TIMELINE = (
    ("GT", 70, "Se abrieron oficinas de registro en Tecún Umán y Esquipulas.",
     "https://migracion.example.org/comunicados/registro-fronterizo"),
    ("BR", 100, "O CONARE publicou o balanço do semestre: 3 200 decisões a mais que no "
     "semestre anterior.", "Relatório semestral do CONARE"),
    ("HT", 0, "Engagement présenté à la réunion régionale par le coordonnateur spécial.",
     None),
)
STATUSES = (
    ("GT", 40, "in-progress", "Comenzó la emisión de permisos en la capital y Quetzaltenango."),
    ("MX", 30, "in-progress", "Primera convocatoria del año publicada."),
    ("CO", 20, "in-progress", ""),
    ("BR", 35, "in-progress", ""),
    ("US", 50, "in-progress", "Two new community case-management programmes opened."),
    ("labor-mobility", 25, "in-progress", "Guía publicada en español, inglés y francés."),
    ("labor-mobility", 125, "achieved", "Seis países aplican la guía en sus programas."),
    ("temporary-protection-regularization", 60, "in-progress", ""),
)
# The indicator a civil-society organisation proposed (on Colombia's commitment), its
# values since the meeting, and the coordinator's public reason for accepting it.
PROPOSED = _spec("Días de espera para la primera cita médica", "days", 38, 15)
PROPOSED_VALUES = (35, 31, 27)
PROPOSAL_REASON = ("Mide lo que las organizaciones ven en los puntos de atención; lo "
                   "publicaremos cada mes junto a la afiliación.")


def _keeper(accounts: dict[str, Account], key: str) -> Actor:
    account = accounts[key]
    return Actor(f"account:{account.email}", account.id)


def _at(day: date) -> datetime:
    """Midday in the Americas on `day`: when the demo records what happened that day."""
    return datetime.combine(day, time(18), tzinfo=UTC)


def _work_plan(now: datetime, actor: Actor, accounts: dict[str, Account],
               orgs: dict[str, Organisation]) -> Series:
    """Last year's regional meeting (five months ago) and its published joint work plan:
    commitments of countries and committees under the three pillars, each measured or
    rated since, with timeline entries and status changes, and one indicator proposed
    by a civil-society organisation and accepted by Colombia's coordinator."""
    today = now.date()
    regional = schedule_series(SeriesInput(
        kind=SeriesKind.REGIONAL, first_date=_weekday(today - timedelta(days=150)),
        start_time=time(9, 0), zone="America/Panama", duration_minutes=8 * 60,
        held_by=_weekday(today - timedelta(days=150)) + timedelta(days=30),
        title="Reunión regional: plan de trabajo conjunto", location="Ciudad de Panamá",
        holiday_country="PA", coordinator_id=accounts["secretariat"].id,
        description="Special coordinators and civil society agreed the joint work plan.",
    ), now=now, actor=actor, since=_history_from(_weekday(today - timedelta(days=150))))
    meeting = regional.meetings[0]
    held = meeting.start_local.date()
    secretariat = _keeper(accounts, "secretariat")
    made: dict[str, Commitment] = {}
    for spec in PLAN:
        country = spec.keeper if len(spec.keeper) == 2 else None
        made[spec.keeper] = create_commitment(
            text=spec.text, responsible=Responsible(country=country,
                                                    committee=None if country else spec.keeper),
            pillar=spec.pillar, action_package=spec.package, start_on=held,
            target_on=held + timedelta(days=spec.months * 30), made_at_id=meeting.id,
            written_in=spec.language, now=meeting.start_at + timedelta(hours=6),
            actor=secretariat)
    plan = create_plan(meeting.id, title=f"Plan de trabajo conjunto {held.year}–"
                       f"{held.year + 2}", commitment_ids=[c.id for c in made.values()],
                       written_in="es", now=meeting.start_at + timedelta(hours=6),
                       actor=secretariat)
    publish_plan(plan.id, now=meeting.end_at, actor=secretariat)

    for spec in PLAN:
        keeper = _keeper(accounts, spec.keeper)
        indicator = add_indicator(
            made[spec.keeper].id, replace(spec.indicator, baseline_on=held - timedelta(days=30))
            if spec.values else spec.indicator, written_in=spec.language,
            now=meeting.end_at + timedelta(days=1), actor=keeper)
        for month, value in enumerate(spec.values, start=1):
            day = held + timedelta(days=30 * month)
            add_measurement(indicator.id, dated=day, value=value, source=_source(spec, day),
                            now=_at(day + timedelta(days=2)), actor=keeper)
        for index, (rating, narrative) in enumerate(spec.ratings):
            day = held + timedelta(days=45 + 65 * index)
            assess(indicator.id, dated=day, rating=rating, narrative=narrative,
                   written_in=spec.language, now=_at(day), actor=keeper)
    for key, days, text, source in TIMELINE:
        day = held + timedelta(days=days)
        url = source if source and source.startswith("https://") else None
        add_update(made[key].id, text=text, dated=day, source_url=url,
                   source_text=None if url else source,
                   source_meeting_id=meeting.id if days == 0 else None,
                   written_in=next(s.language for s in PLAN if s.keeper == key),
                   now=_at(day + timedelta(days=1)), actor=_keeper(accounts, key))
    for key, days, status, text in STATUSES:
        day = held + timedelta(days=days)
        set_status(made[key].id, status, text=text or None, dated=day,
                   written_in=next(s.language for s in PLAN if s.keeper == key),
                   now=_at(day), actor=_keeper(accounts, key))
    _proposed_indicator(made["CO"], accounts, orgs, held, today)
    return regional


def _source(spec: DemoCommitment, day: date) -> str:
    keeper = spec.keeper if len(spec.keeper) == 2 else "comité"
    return f"Informe mensual ({keeper}), {day.isoformat()}"


def _proposed_indicator(commitment: Commitment, accounts: dict[str, Account],
                        orgs: dict[str, Organisation], held: date, today: date) -> None:
    """A contact of Fundación Puentes Andinos proposes an indicator by their personal
    link; Colombia's coordinator accepts it with a public reason and measures it."""
    contact = orgs[ORGS[4].name].contacts[0]
    proposal = submit_contribution(
        contact, commitment, kind="indicator", form_key="demo-proposed-indicator",
        text="En los puntos de atención vemos que la afiliación no basta: la primera cita "
             "tarda semanas. Proponemos medir la espera.",
        language=contact.language, now=_at(today - timedelta(days=20)),
        indicator=replace(PROPOSED, baseline_on=held - timedelta(days=30)))
    keeper = _keeper(accounts, "CO")
    accepted = accept_contribution(proposal.id, reason=PROPOSAL_REASON, written_in="es",
                                   now=_at(today - timedelta(days=18)), actor=keeper)
    assert accepted.indicator_id is not None  # a proposed indicator becomes one
    for month, value in enumerate(PROPOSED_VALUES, start=1):
        day = held + timedelta(days=40 * month)
        add_measurement(accepted.indicator_id, dated=day, value=value,
                        source="Encuesta de Fundación Puentes Andinos en puntos de atención",
                        now=_at(today - timedelta(days=10)), actor=keeper)


def _history_from(first: date) -> datetime:
    """Record the demo's past meetings from the series' first date on."""
    return datetime.combine(first, time(0), tzinfo=UTC)


def _day_up_to_28(day: date) -> date:
    """The demo's series keep to days every month has, so each repeats on the same day
    (later dates work too: they fall on the month's last day where it is shorter)."""
    return day.replace(day=min(day.day, 28))


def _weekday(day: date) -> date:
    """The first Monday-to-Friday on or after `day`, for the demo's one-off meetings."""
    day = _day_up_to_28(day)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _publish_past_agendas(series: Series, now: datetime) -> None:
    """History: most agendas on time, one late by four days, the latest past one missing."""
    past = [m for m in series.meetings if m.start_at < now]
    iso = series.country.iso if series.country is not None else None  # national series only
    for index, meeting in enumerate(past):
        due = deadlines_for(meeting.start_local, series.offsets).agenda_due
        if index == len(past) - 1 and series.kind == SeriesKind.NATIONAL and iso == "CL":
            continue  # Chile's latest agenda never came: the tracker shows it missing
        late = series.kind == SeriesKind.NATIONAL and iso == "HT" and index == 1
        meeting.agenda_published_at = due + (timedelta(days=4) if late else -timedelta(days=3))
