#!/usr/bin/env python3
"""Oracle for the MIME corpus test: what Python's standard `email` package makes of each message.

Reads file paths (one per line) on stdin and writes one JSON object per line on stdout:
{"file", "subject", "from": [{"name", "address"}], "date": epoch ms | null, "filenames": [...],
"error": message | null}. Strings that Python keeps as surrogate-escaped raw bytes are turned back
into bytes and read as UTF-8 when valid, else latin-1, the same rule as the TypeScript parser, so
that only real decoding differences remain.
"""
import email
import email.policy
import json
import sys


def clean(value):
    if value is None:
        return None
    raw = str(value).encode('utf-8', 'surrogateescape')
    try:
        return raw.decode('utf-8')
    except UnicodeDecodeError:
        return raw.decode('latin-1')


def field(getter):
    try:
        return getter(), None
    except Exception as error:  # the oracle reports Python's own failures as data
        return None, f'{type(error).__name__}: {error}'


def describe(path):
    with open(path, 'rb') as handle:
        raw = handle.read()
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    out = {'file': path, 'errors': {}}

    subject, error = field(lambda: msg['subject'])
    out['subject'] = clean(subject) if subject is not None else None
    if error:
        out['errors']['subject'] = error

    def from_addresses():
        header = msg['from']
        if header is None:
            return []
        return [{'name': clean(a.display_name), 'address': clean(a.addr_spec)} for a in header.addresses]

    addresses, error = field(from_addresses)
    out['from'] = addresses
    if error:
        out['errors']['from'] = error

    def date():
        header = msg['date']
        if header is None or header.datetime is None:
            return None
        value = header.datetime
        if value.tzinfo is None:
            import datetime
            value = value.replace(tzinfo=datetime.timezone.utc)
        return int(value.timestamp() * 1000)

    sent_at, error = field(date)
    out['date'] = sent_at
    if error:
        out['errors']['date'] = error
    out['rawDate'] = clean(msg.get('date', failobj=None)) if not error else None

    def filenames():
        names = []
        for part in msg.walk():
            if part.is_multipart():
                continue
            name = part.get_filename()
            if name is not None:
                names.append(clean(name))
        return names

    names, error = field(filenames)
    out['filenames'] = names
    if error:
        out['errors']['filenames'] = error
    return out


def main():
    for line in sys.stdin:
        path = line.strip()
        if not path:
            continue
        try:
            result = describe(path)
        except Exception as error:
            result = {'file': path, 'fatal': f'{type(error).__name__}: {error}'}
        sys.stdout.write(json.dumps(result, ensure_ascii=False) + '\n')


if __name__ == '__main__':
    main()
