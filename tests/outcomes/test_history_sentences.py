"""Every change to commitments, the joint work plan, indicators and contributions reads
as a sentence in the history, not as the fallback "Recorded: <action>"."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from flask_babel import force_locale
from sqlalchemy import select

from coordinator.cadence.kinds import SeriesKind
from coordinator.extensions import db
from coordinator.meetings.series import SeriesInput, schedule_series
from coordinator.models import AuditEntry, Contact
from coordinator.outcomes.commitments import (
    Responsible,
    add_update,
    create_commitment,
    create_plan,
    edit_plan,
    publish_plan,
    revise_plan,
    set_status,
    update_commitment,
)
from coordinator.outcomes.contributions import (
    accept_contribution,
    decline_contribution,
    request_contribution_link,
    submit_contribution,
)
from coordinator.outcomes.indicators import (
    IndicatorSpec,
    add_indicator,
    add_measurement,
    assess,
)
from coordinator.tracking.history import history_of, sentence
from coordinator.unit import Actor
from tests.conftest import NOW

AFTER_REGIONAL = datetime(2027, 3, 11, 12, tzinfo=UTC)
NEW_ACTIONS = {
    "commitment.create", "commitment.update", "commitment.timeline", "commitment.status",
    "work_plan.create", "work_plan.edit", "work_plan.publish", "work_plan.revise",
    "indicator.add", "indicator.measure", "indicator.assess", "contribution.submit",
    "contribution.accepted", "contribution.declined", "contribution_link.request"}


def _everything_once(outcomes) -> dict[str, int]:  # type: ignore[no-untyped-def]
    cli = Actor.cli()
    kept = create_commitment(text="Abrir tres albergues", responsible=Responsible("GT"),
                             pillar="I", start_on=date(2026, 1, 1),
                             target_on=date(2027, 12, 31), now=NOW, actor=cli)
    other = create_commitment(text="Visas de trabajo", responsible=Responsible(
        committee="labor-mobility"), start_on=date(2026, 1, 1), target_on=date(2027, 12, 31),
        now=NOW, actor=cli)
    update_commitment(kept.id, text="Abrir cuatro albergues", target_on=date(2028, 6, 30),
                      now=NOW, actor=cli)
    add_update(kept.id, text="Primer albergue abierto", dated=date(2026, 11, 2), now=NOW,
               actor=cli)
    set_status(kept.id, "in-progress", now=NOW, actor=cli)

    counted = add_indicator(kept.id, IndicatorSpec(
        kind="quantitative", name="Plazas", unit="number", baseline=120,
        baseline_on=date(2026, 1, 15), target=450, direction="increase"), now=NOW, actor=cli)
    add_measurement(counted.id, dated=date(2026, 6, 30), value=212.5, source="Informe",
                    now=NOW, actor=cli)
    rated = add_indicator(kept.id, IndicatorSpec(kind="qualitative", name="Trato digno"),
                          now=NOW, actor=cli)
    assess(rated.id, dated=date(2026, 11, 1), rating="some-progress", narrative="Visitas",
           now=NOW, actor=cli)

    request_contribution_link("wilner@cso.example", kept.id, now=NOW)
    contact = db.session.scalar(select(Contact).where(Contact.email == "wilner@cso.example"))
    assert contact is not None
    proposal = submit_contribution(contact, kept, kind="indicator", form_key="a",
                                   text="Para seguir", language="ht", now=NOW,
                                   indicator=IndicatorSpec(
                                       kind="quantitative", name="Personas atendidas",
                                       unit="people", baseline=300,
                                       baseline_on=date(2026, 3, 1), target=900,
                                       direction="increase"))
    evidence = submit_contribution(contact, kept, kind="evidence", form_key="b",
                                   text="Informe de monitoreo", language="ht", now=NOW)
    declined = submit_contribution(contact, kept, kind="evidence", form_key="c",
                                   text="Otro", language="ht", now=NOW)
    accept_contribution(proposal.id, reason="Útil", now=NOW, actor=cli)
    accept_contribution(evidence.id, now=NOW, actor=cli)
    decline_contribution(declined.id, reason="Repetido", now=NOW, actor=cli)

    regional = schedule_series(SeriesInput(
        kind=SeriesKind.REGIONAL, first_date=date(2027, 3, 10), start_time=time(9),
        zone="America/Panama", duration_minutes=480, held_by=date(2027, 3, 31),
        location="Panamá", holiday_country="PA"), now=NOW, actor=cli)
    plan = create_plan(regional.meetings[0].id, title="Plan 2027", commitment_ids=[kept.id],
                       now=NOW, actor=cli)
    edit_plan(plan.id, commitment_ids=[kept.id, other.id], now=NOW, actor=cli)
    publish_plan(plan.id, now=AFTER_REGIONAL, actor=cli)
    revise_plan(plan.id, now=AFTER_REGIONAL, actor=cli)
    return {"kept": kept.id, "regional": regional.meetings[0].id, "counted": counted.id,
            "rated": rated.id, "declined": declined.id, "proposed": _indicator_of(proposal.id)}


def _indicator_of(contribution_id: int) -> int:
    from coordinator.outcomes.models import Contribution

    found = db.session.get(Contribution, contribution_id)
    assert found is not None and found.indicator_id is not None
    return found.indicator_id


def test_each_change_to_commitments_reads_as_a_sentence(outcomes) -> None:
    ids = _everything_once(outcomes)
    entries = list(db.session.scalars(select(AuditEntry).where(
        AuditEntry.action.in_(NEW_ACTIONS)).order_by(AuditEntry.id)))
    with force_locale("en"):
        said = [(e.action, sentence(e, "UTC")) for e in entries]
    assert {action for action, _ in said} == NEW_ACTIONS
    fallbacks = [line for line in said if line[1].startswith("Recorded:")]
    assert fallbacks == []
    sentences = [text for _, text in said]
    kept, counted, rated = ids["kept"], ids["counted"], ids["rated"]
    for expected in (
            f"Commitment no. {kept} made (pillar I), from January 1, 2026 to December 31, "
            "2027.",
            f"Commitment no. {kept} corrected: text, dates.",
            f"An update of November 2, 2026 added to the public timeline of commitment no. "
            f"{kept}.",
            f"Commitment no. {kept} moved from planned to in progress.",
            f"Indicator no. {counted} measured: 212.5 on June 30, 2026.",
            f"Indicator no. {rated} rated some progress on November 1, 2026.",
            f"Red de Acogida proposed an indicator for commitment no. {kept}.",
            f"Red de Acogida submitted evidence on commitment no. {kept}.",
            f"Indicator no. {ids['proposed']}, proposed by Red de Acogida, added to "
            f"commitment no. {kept}.",
            f"Contribution no. {ids['declined']} declined. Reason: Repetido",
            f"A link to contribute on commitment no. {kept} was asked for.",
            "Joint work plan drafted with 1 commitment.",
            "Draft of the joint work plan edited: 2 commitments.",
            "Joint work plan version 1 published with 2 commitments.",
            "Version 2 of the joint work plan drafted from the published one."):
        assert expected in sentences, (expected, "\n".join(sentences))
    assert any(text.startswith("Evidence from Red de Acogida, of ") for text in sentences)
    assert any(text.startswith("Contribution no. ") and
               f"accepted: it is indicator no. {ids['proposed']} of commitment no. {kept}."
               in text for text in sentences)


def test_the_organisation_and_the_regional_meeting_show_what_concerns_them(outcomes) -> None:
    ids = _everything_once(outcomes)
    with force_locale("en"):
        organisation = history_of("organisation", outcomes.world.organisation.id, None,
                                  operator=True)
        meeting = history_of("meeting", ids["regional"], None, operator=True)
    told = [line.sentence for line in organisation.lines]
    assert f"Red de Acogida proposed an indicator for commitment no. {ids['kept']}." in told
    assert any(s.startswith("Evidence from Red de Acogida") for s in told)
    # (work_plan.edit names no meeting in its details, so the meeting's page omits it.)
    assert [line.sentence for line in meeting.lines][:4] == [
        "Version 2 of the joint work plan drafted from the published one.",
        "Joint work plan version 1 published with 2 commitments.",
        "Draft of the joint work plan edited: 2 commitments.",
        "Joint work plan drafted with 1 commitment."]
