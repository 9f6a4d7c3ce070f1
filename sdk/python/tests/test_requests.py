"""The requests the library sends, recorded by a stand-in for the API server on 127.0.0.1.

Narrow on purpose: what the writes do is the conformance suite's, against a real API server;
this counts them, which an API server's watch cannot (it does not see reads).
"""

import json
import os
import tempfile
import threading
import time
import unittest
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from runwarden_worker import AttemptCancelled, Worker
from runwarden_worker.api import Api, Credentials

GROUP = "/apis/runwarden.io/v1alpha1/namespaces/team-a"
REPORT = GROUP + "/qualificationrunreports/batch-7"
RUN = GROUP + "/qualificationruns/batch-7"


class _StandIn(BaseHTTPRequestHandler):
    requests: list = []
    tokens: list = []
    patches: list = []  # each PATCH's body, read as JSON
    run_status: dict = {"phase": "Running", "attempt": 1}

    def _answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        sent = self.rfile.read(length) if length else b""
        if self.command == "PATCH":
            self.patches.append(json.loads(sent))
        self.requests.append(f"{self.command} {self.path}")
        self.tokens.append(self.headers.get("Authorization"))
        if self.path.startswith(RUN):
            body = {"kind": "QualificationRun", "metadata": {"name": "batch-7", "resourceVersion": "9"},
                    "status": dict(self.run_status)}
        else:
            body = {"kind": "QualificationRunReport", "metadata": {"name": "batch-7", "resourceVersion": "9"},
                    "spec": {"attempt": 1, "heartbeatTimeout": "3s"}}
        raw = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    do_GET = _answer
    do_PATCH = _answer

    def log_message(self, *args):
        pass


class Requests(unittest.TestCase):
    def setUp(self):
        _StandIn.requests = []
        _StandIn.tokens = []
        _StandIn.patches = []
        _StandIn.run_status = {"phase": "Running", "attempt": 1}
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _StandIn)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def tearDown(self):
        self.server.shutdown()
        self.server.server_close()

    def test_every_report_write_is_one_request_and_only_the_claim_reads(self):
        api = Api(Credentials(server=f"http://127.0.0.1:{self.server.server_address[1]}", namespace="team-a"))
        worker = Worker("batch-7", "team-a", worker="w-1", api=api, progress_interval=0.001,
                        flush_on_sigterm=False)
        try:
            self.assertTrue(worker.claim().claimed)
            worker.progress(1, "item-1")
            worker.flush()
            worker.progress(2, "item-2")
            worker.flush()
            worker.succeed()
        finally:
            worker.close()

        on_the_report = [r for r in _StandIn.requests if REPORT in r]
        # The claim reads the report once; then the claim, two flushes and the outcome are written,
        # plus any heartbeat that fell due meanwhile: each a single PATCH of the report's status.
        self.assertEqual(on_the_report[0], "GET " + REPORT)
        writes = on_the_report[1:]
        self.assertGreaterEqual(len(writes), 4)
        self.assertEqual(set(writes), {"PATCH " + REPORT + "/status"})

    def test_a_rotated_token_file_is_sent_from_the_next_request_on(self):
        with tempfile.TemporaryDirectory() as d:
            token_file = os.path.join(d, "token")
            with open(token_file, "w") as f:
                f.write("first\n")
            api = Api(Credentials(server=f"http://127.0.0.1:{self.server.server_address[1]}", namespace="team-a",
                                  token="first", token_file=token_file))
            api.get(REPORT)
            with open(token_file + ".new", "w") as f:
                f.write("rotated\n")
            os.replace(token_file + ".new", token_file)  # the kubelet swaps the file atomically
            api.get(REPORT)
            os.remove(token_file)
            api.get(REPORT)  # unreadable for a moment: the last token read is kept
        self.assertEqual(_StandIn.tokens, ["Bearer first", "Bearer rotated", "Bearer rotated"])



    def test_a_suspended_run_holds_the_worker_until_it_is_resumed_and_a_cancellation_ends_the_wait(self):
        api = Api(Credentials(server=f"http://127.0.0.1:{self.server.server_address[1]}", namespace="team-a"))
        worker = Worker("batch-7", "team-a", worker="w-1", api=api, flush_on_sigterm=False)
        seen = []
        worker.on_suspension(lambda suspended, reason: seen.append(f"suspended {reason}" if suspended else "resumed"))
        try:
            self.assertTrue(worker.claim().claimed)
            worker.wait_while_suspended()  # not suspended: at once
            _StandIn.run_status = {"phase": "Suspended", "reason": "BudgetExhausted", "attempt": 1}
            _until(lambda: worker.suspended, 5)  # the run is read once per heartbeat interval (1 s)
            resumed = threading.Event()
            waiter = threading.Thread(target=lambda: (worker.wait_while_suspended(), resumed.set()), daemon=True)
            waiter.start()
            self.assertFalse(resumed.wait(1.5))  # more than one look at the still suspended run
            _StandIn.run_status = {"phase": "Running", "attempt": 1}
            self.assertTrue(resumed.wait(5))
            _until(lambda: len(seen) == 2, 5)  # the callbacks run after the waiters are woken
            self.assertEqual(seen, ["suspended BudgetExhausted", "resumed"])

            _StandIn.run_status = {"phase": "Suspended", "reason": "Suspended", "attempt": 1}
            _until(lambda: worker.suspended, 5)
            outcome = []

            def wait():
                try:
                    worker.wait_while_suspended()
                    outcome.append("returned")
                except AttemptCancelled:
                    outcome.append("AttemptCancelled")

            waiter = threading.Thread(target=wait, daemon=True)
            waiter.start()
            _StandIn.run_status = {"phase": "Failed", "reason": "DeadlineExceeded", "attempt": 1}
            waiter.join(5)  # the run deadline still applies to a suspended run
            self.assertEqual(outcome, ["AttemptCancelled"])
        finally:
            worker.close()


def _until(what, seconds):
    end = time.monotonic() + seconds
    while not what():
        if time.monotonic() > end:
            raise AssertionError(f"not within {seconds} s")
        time.sleep(0.02)

if __name__ == "__main__":
    unittest.main()
