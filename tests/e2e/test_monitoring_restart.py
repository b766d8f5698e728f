"""A report answered 202 is never lost, even while monitoring restarts (its own module: the test
stops a service of the module's system)."""

from nameko.containers import ServiceContainer

from tests.e2e.test_monitoring import Partner, eventually


def test_a_report_answered_202_waits_while_monitoring_restarts(system, clock):
    partner = Partner(system, clock)
    computer = partner.computer(partner.account())
    assert partner.report(computer).status_code == 202  # the gateway now knows this agent
    eventually(lambda: partner.reports_of(computer))
    monitoring = next(c for c in system.runner.containers if c.service_name == "monitoring")
    monitoring.stop()
    accepted = [partner.report(computer, backed_up=n) for n in range(5)]
    assert [r.status_code for r in accepted] == [202] * 5
    restarted = ServiceContainer(monitoring.service_cls, system.config)
    restarted.start()
    try:
        ids = {r.json()["id"] for r in accepted}
        stored = eventually(lambda: ids <= {r["id"] for r in partner.reports_of(computer)}, seconds=10)
        assert stored
        assert len(partner.reports_of(computer)) == 6
    finally:
        restarted.stop()
