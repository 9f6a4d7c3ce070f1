"""The library's decisions that need no API server (python3 -m unittest discover -s tests)."""

import os
import re
import tempfile
import unittest
from datetime import datetime, timezone
from unittest import mock

from runwarden_worker import _Pending, backoff, heartbeat_interval, parse_duration
from runwarden_worker import api
from runwarden_worker.api import ApiError, credentials_from_kubeconfig
from runwarden_worker.cli import parse_line


class Durations(unittest.TestCase):
    def test_the_runs_own_durations(self):
        for text, seconds in [("250ms", 0.25), ("30s", 30), ("5m", 300), ("1h30m", 5400), ("7d", 604800)]:
            self.assertEqual(parse_duration(text), seconds, text)

    def test_a_duration_that_is_not_one_is_refused(self):
        for text in ["", "5 minutes", "10"]:
            with self.assertRaises(ValueError, msg=text):
                parse_duration(text)

    def test_heartbeats_at_a_third_of_the_limit_between_one_and_thirty_seconds(self):
        for limit, every in [(3, 1), (2, 1), (30, 10), (300, 30), (None, 30)]:
            self.assertEqual(heartbeat_interval(limit), every, limit)


class Retries(unittest.TestCase):
    def test_only_transient_errors_are_retried(self):
        for code, transient in [(0, True), (408, True), (429, True), (500, True), (503, True), (501, False),
                                (400, False), (403, False), (404, False), (409, False), (422, False)]:
            self.assertEqual(ApiError(code, "x").transient, transient, code)

    def test_backoff_doubles_from_200ms_to_5s_with_jitter_below_it(self):
        for failures in range(1, 20):
            cap = min(0.2 * 2 ** min(failures - 1, 10), 5.0)
            self.assertTrue(cap * 0.8 <= backoff(failures) <= cap, failures)


class Pending(unittest.TestCase):
    def test_the_newest_value_wins_and_a_failed_write_loses_nothing(self):
        p = _Pending()
        for i in range(1, 1001):
            p.put("completed", i)
            p.put("checkpoint", f"item-{i}")
        taken = p.take()
        self.assertEqual(taken, {"completed": 1000, "checkpoint": "item-1000"})
        self.assertTrue(p.empty())
        p.put("completed", 1001)  # arrives while the write of 1000 is in flight, which then fails
        p.restore(taken)
        self.assertEqual(p.take(), {"completed": 1001, "checkpoint": "item-1000"})


class WrapperLines(unittest.TestCase):
    def test_progress_lines_are_key_value_pairs_quoted_as_in_a_shell(self):
        self.assertEqual(parse_line("::runwarden completed=7 checkpoint=page-7"), {"completed": "7", "checkpoint": "page-7"})
        self.assertEqual(parse_line('::runwarden message="fetching page 8" error="portal said 503"'),
                         {"message": "fetching page 8", "error": "portal said 503"})
        self.assertEqual(parse_line("::runwarden unknown=1 completed=3"), {"completed": "3"})
        self.assertIsNone(parse_line("an ordinary log line"))
        self.assertIsNone(parse_line("  ::runwarden completed=1"))


class Kubeconfig(unittest.TestCase):
    def test_a_token_kubeconfig(self):
        c = credentials_from_kubeconfig({
            "clusters": [{"cluster": {"server": "https://127.0.0.1:6443/", "certificate-authority": "/ca.crt"}}],
            "contexts": [{"context": {"namespace": "team-a"}}],
            "users": [{"user": {"token": "t0k"}}],
        })
        self.assertEqual((c.server, c.namespace, c.token, c.ca_file), ("https://127.0.0.1:6443", "team-a", "t0k", "/ca.crt"))

    def test_a_kubeconfigs_token_file_is_followed_and_an_inline_token_is_not_replaced(self):
        with tempfile.TemporaryDirectory() as d:
            token_file = os.path.join(d, "token")
            with open(token_file, "w") as f:
                f.write("from-file")
            cluster = [{"cluster": {"server": "https://h"}}]
            via_file = credentials_from_kubeconfig({"clusters": cluster, "users": [{"user": {"tokenFile": token_file}}]})
            self.assertEqual((via_file.token, via_file.token_file), ("from-file", token_file))
            inline = credentials_from_kubeconfig(
                {"clusters": cluster, "users": [{"user": {"token": "t0k", "tokenFile": token_file}}]})
            self.assertEqual((inline.token, inline.token_file), ("t0k", None))



class _OldFromIsoFormat(datetime):
    """datetime.fromisoformat as Python 3.9 and 3.10 have it: 3 or 6 fraction digits, no Z."""

    @classmethod
    def fromisoformat(cls, text):
        m = re.fullmatch(r"[^.]*(?:\.(\d+))?[+-]\d\d:\d\d", text)
        if text.endswith(("Z", "z")) or not m or (m.group(1) and len(m.group(1)) not in (3, 6)):
            raise ValueError(f"Invalid isoformat string: {text!r}")
        return datetime.fromisoformat(text)


class Timestamps(unittest.TestCase):
    def check(self):
        utc = timezone.utc
        for text, expected in [
            ("2026-12-03T10:00:00Z", datetime(2026, 12, 3, 10, tzinfo=utc)),
            ("2026-12-03T10:00:00.5Z", datetime(2026, 12, 3, 10, 0, 0, 500000, tzinfo=utc)),
            ("2026-12-03T10:00:00.123456789Z", datetime(2026, 12, 3, 10, 0, 0, 123456, tzinfo=utc)),
            ("2026-12-03T12:00:00.123+02:00", datetime(2026, 12, 3, 10, 0, 0, 123000, tzinfo=utc)),
        ]:
            self.assertEqual(api._rfc3339(text), expected.timestamp(), text)
        for text in [None, "", "soon", "2026-12-03", "2026-12-03T10:00:00"]:
            self.assertIsNone(api._rfc3339(text), text)

    def test_an_expiry_in_any_rfc3339_form_kubernetes_writes(self):
        self.check()

    def test_the_same_on_python_before_3_11(self):
        with mock.patch.object(api, "datetime", _OldFromIsoFormat):
            self.check()


if __name__ == "__main__":
    unittest.main()
