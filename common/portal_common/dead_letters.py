"""Parked messages (`<handler queue>.dead`, see `portal_common.event_handlers`): list them, and
replay them into their handler's queue once the cause is mended.

    python -m portal_common.dead_letters list   [--amqp-uri URI]
    python -m portal_common.dead_letters replay [--amqp-uri URI] [--queue NAME]

(`make dead-letters`, `make replay-dead-letters`.) The queues are the ones the event registry names,
so the tool needs no management plugin; a replayed message starts its tries afresh.
"""

import argparse
import os
from typing import Any

from amqp.exceptions import NotFound
from kombu import Connection

from portal_common.event_handlers import ERROR_HEADER, RETRIES_HEADER, dead_queue
from portal_common.events import REGISTRY

DEFAULT_AMQP_URI = "amqp://guest:guest@127.0.0.1:5672/"


def all_handler_queues() -> list[str]:
    """The queue of every reliable event handler of the system (the registry names them)."""
    return sorted(queue for event in REGISTRY.values() for queue in event.queues)


def parked(connection: Any, queue_name: str) -> int:
    """How many messages wait in the handler's dead-letter queue."""
    try:
        with connection.channel() as channel:
            return channel.queue_declare(queue=dead_queue(queue_name).name, durable=True, passive=True).message_count
    except NotFound:  # no such queue: nothing was ever parked there
        return 0


def peek(connection: Any, queue_name: str, most: int = 20) -> list[tuple[str | None, str | None, str | None]]:
    """Up to `most` parked messages as (event type, event id, error), left where they are."""
    seen: list[tuple[str | None, str | None, str | None]] = []
    messages: list[Any] = []  # kombu Messages
    with connection.channel() as channel:
        dead = dead_queue(queue_name)(channel)
        dead.declare()
        while len(messages) < most:
            message = dead.get(no_ack=False)
            if message is None:
                break
            messages.append(message)
            payload = message.payload if isinstance(message.payload, dict) else {}
            seen.append(
                (
                    message.delivery_info.get("routing_key"),
                    payload.get("event_id"),
                    (message.headers or {}).get(ERROR_HEADER),
                )
            )
        for message in messages:
            message.requeue()
    return seen


def replay(connection: Any, queue_name: str) -> int:
    """Move the messages parked for the handler back to its queue; answers how many. Only those
    parked when the replay began: one the handler parks again at once waits for the next replay."""
    moved, parked_now = 0, parked(connection, queue_name)
    with connection.channel() as channel:
        dead = dead_queue(queue_name)(channel)
        dead.declare()
        producer = connection.Producer(channel)
        while moved < parked_now:
            message = dead.get(no_ack=False)
            if message is None:
                break
            headers = {
                key: value
                for key, value in (message.headers or {}).items()
                if key not in (RETRIES_HEADER, ERROR_HEADER, "x-death")
            }
            producer.publish(
                message.body,
                exchange="",
                routing_key=queue_name,
                headers=headers,
                content_type=message.content_type,
                content_encoding=message.content_encoding,
                delivery_mode=2,
            )
            message.ack()
            moved += 1
    return moved


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("action", choices=("list", "replay"))
    parser.add_argument("--amqp-uri", default=os.environ.get("AMQP_URI", DEFAULT_AMQP_URI))
    parser.add_argument("--queue", help="only this handler's queue (without .dead)")
    args = parser.parse_args()
    queues = [args.queue] if args.queue else all_handler_queues()
    with Connection(args.amqp_uri, transport_options={"confirm_publish": True}) as connection:
        total = 0
        for queue_name in queues:
            if args.action == "replay":
                moved = replay(connection, queue_name)
                total += moved
                if moved:
                    print(f"{queue_name}: {moved} replayed")
                continue
            count = parked(connection, queue_name)
            total += count
            if count:
                print(f"{queue_name}.dead: {count} parked")
                for event_type, event_id, error in peek(connection, queue_name):
                    print(f"  {event_type} {event_id}: {error}")
        print(f"{total} message(s) {'replayed' if args.action == 'replay' else 'parked'} in all")


if __name__ == "__main__":
    main()
