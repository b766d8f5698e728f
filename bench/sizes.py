"""How big a benchmark run is. `tiny` only proves `make bench` works (the suite runs it)."""

import dataclasses


@dataclasses.dataclass(frozen=True)
class Size:
    runs: int  # each figure is the median of this many runs
    seconds: int  # of load per run
    concurrency: tuple  # the connection counts every HTTP figure is taken at
    accounts: int  # the loaded partner's customer accounts (each on a trial)
    computers_per_account: int  # a trial has one seat
    rpc_calls: int  # sequential raw RPC calls
    scale_accounts: int  # seeded straight into the databases
    scale_computers: int
    scale_partner_computers: int
    scale_audit_entries: int  # the audit log's entries, seeded the same way
    scale_partner_audit_entries: int
    employees: int  # signing in, for scaling identity out, and with a second factor in the workload
    workload_connections: int  # the mixed workload's, shared among its kinds
    workload_seconds: int


SIZES = {
    "full": Size(
        runs=3,
        seconds=5,
        concurrency=(16, 64),
        accounts=50,
        computers_per_account=1,
        rpc_calls=1000,
        scale_accounts=10_000,
        scale_computers=1_000_000,
        scale_partner_computers=10_000,
        scale_audit_entries=2_000_000,
        scale_partner_audit_entries=200_000,
        employees=32,
        workload_connections=64,
        workload_seconds=60,
    ),
    "tiny": Size(
        runs=1,
        seconds=1,
        concurrency=(4,),
        accounts=2,
        computers_per_account=1,
        rpc_calls=20,
        scale_accounts=20,
        scale_computers=400,
        scale_partner_computers=100,
        scale_audit_entries=1_000,
        scale_partner_audit_entries=200,
        employees=2,
        workload_connections=16,
        workload_seconds=2,
    ),
}
