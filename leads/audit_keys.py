"""The audit trail's keys: secrets outside the database, so that someone who can write the database cannot sign.

Each key is a file `TRADEWATCH_HOME/keys/audit-<id>.key` (mode 0600, JSON: id, the first event sequence it
signs, the secret). Key 1 is made when the first event is appended without one; `audit rotate-key` adds the
next. A key signs the events from its `from_seq` up to the next key's; events older than key 1 (a store from
before keys) are checked by their public hash chain only. Every machine that writes the store needs a copy of
the folder: once the chain is signed, a machine without the key refuses to append instead of starting a
second, unrelated key.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from core.config import get_settings
from core.errors import ConfigurationError

KEY_FOLDER = "keys"
KEY_BYTES = 32


@dataclass(frozen=True)
class AuditKey:
    id: int
    from_seq: int
    secret: bytes = b""

    def mac(self, *parts: object) -> str:
        """HMAC-SHA256 over the parts, each separated by a NUL (the first part names what is signed)."""
        message = b"\0".join(str(part).encode() for part in parts)
        return hmac.new(self.secret, message, hashlib.sha256).hexdigest()


def keys_folder(home: Path | None = None) -> Path:
    return (home or get_settings().resolved_home) / KEY_FOLDER


def _key_path(folder: Path, key_id: int) -> Path:
    return folder / f"audit-{key_id}.key"


_cache: dict[Path, tuple[int, list[AuditKey]]] = {}


def load_keys(home: Path | None = None) -> list[AuditKey]:
    """Every audit key of this home, oldest first (none yet: an empty list).

    Read again only when the folder changed (a key is added as a new file), since every appended event asks.
    """
    folder = keys_folder(home)
    try:
        changed = folder.stat().st_mtime_ns
    except FileNotFoundError:
        return []
    cached = _cache.get(folder)
    if cached is not None and cached[0] == changed:
        return cached[1]
    _cache[folder] = (changed, _read_keys(folder))
    return _cache[folder][1]


def _read_keys(folder: Path) -> list[AuditKey]:
    keys = []
    for path in sorted(folder.glob("audit-*.key")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            keys.append(AuditKey(int(data["id"]), int(data["from_seq"]), bytes.fromhex(data["secret"])))
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise ConfigurationError(setting=str(path), reason=f"not a readable audit key ({error})") from error
    return sorted(keys, key=lambda key: key.id)


def key_for(keys: list[AuditKey], seq: int) -> AuditKey | None:
    """The key that signs event `seq`: the newest key starting at or before it (None: before the first key)."""
    chosen = None
    for key in keys:
        if key.from_seq <= seq:
            chosen = key
    return chosen


def create_key(from_seq: int, home: Path | None = None) -> AuditKey:
    """Write the next key, signing from event `from_seq` on; readable by its owner only, never overwritten."""
    folder = keys_folder(home)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    existing = load_keys(home)
    key = AuditKey(existing[-1].id + 1 if existing else 1, from_seq, secrets.token_bytes(KEY_BYTES))
    data = {
        "id": key.id,
        "from_seq": key.from_seq,
        "created_at": datetime.now(UTC).isoformat(),
        "secret": key.secret.hex(),
    }
    descriptor = os.open(_key_path(folder, key.id), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump(data, handle)
        handle.flush()
        os.fsync(handle.fileno())
    return key


def signing_key(next_seq: int, head_key_id: int | None, home: Path | None = None) -> AuditKey:
    """The key to sign event `next_seq` with, making key 1 on first use.

    `head_key_id` is the key of the chain's newest signed event: a machine whose keys folder lacks it has an
    old or no copy of the folder, which is refused rather than answered with a new, unrelated key.
    """
    keys = load_keys(home)
    if not keys and head_key_id is None:
        return create_key(next_seq, home)
    key = key_for(keys, next_seq)
    if key is None or (head_key_id is not None and key.id < head_key_id):
        raise ConfigurationError(
            setting=str(keys_folder(home)),
            reason=f"audit key {head_key_id} is missing on this machine: copy the keys folder of the store here",
        )
    return key
