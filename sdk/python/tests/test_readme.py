"""The blocks of this package's README, run as written (the root build's DocBlocksTest lists them).

The library's overview runs against a stand-in for the API server on 127.0.0.1: only the name
`Worker` is bound to one whose `from_environment()` reaches the stand-in, and `n` to a count, so
the README's lines themselves are what runs. The wrapper's example lines are read by its parser.
"""

import os
import re
import threading
import unittest
from http.server import ThreadingHTTPServer

from runwarden_worker import Claimed, Worker
from runwarden_worker.api import Api, Credentials
from runwarden_worker.cli import parse_line

from test_requests import _StandIn

README = os.path.join(os.path.dirname(__file__), "..", "README.md")


def blocks(section):
    """The fenced blocks of a "## " section of the README ("" for those before the first)."""
    with open(README, encoding="utf-8") as f:
        text = f.read()
    parts = re.split(r"^## (.*)$", text, flags=re.M)
    sections = {"": parts[0]}
    sections.update(zip(parts[1::2], parts[2::2]))
    return re.findall(r"^```[a-z]*\n(.*?)^```$", sections[section], flags=re.M | re.S)


class Readme(unittest.TestCase):
    def setUp(self):
        _StandIn.requests = []
        _StandIn.patches = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _StandIn)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def tearDown(self):
        self.server.shutdown()
        self.server.server_close()

    def test_the_overview_claims_reports_progress_and_succeeds_as_written(self):
        overview = blocks("")[0]
        api = Api(Credentials(server=f"http://127.0.0.1:{self.server.server_address[1]}", namespace="team-a"))
        env = {"RUNWARDEN_RUN": "batch-7", "RUNWARDEN_NAMESPACE": "team-a", "RUNWARDEN_WORKER": "w-1"}

        class OnTheStandIn(Worker):
            @classmethod
            def from_environment(cls, env_=None, **kwargs):
                return Worker.from_environment(env, api=api, progress_interval=0.001,
                                               flush_on_sigterm=False)

        names = {"Worker": OnTheStandIn, "n": 7}
        exec(compile(overview, "README.md", "exec"), names)

        self.assertIsInstance(names["claim"], Claimed)
        self.assertIsInstance(names["worker"].cancelled, threading.Event)
        written = {}  # the report's status fields as the JSON patches left them, in order
        for patch in _StandIn.patches:
            for op in patch:
                if op["op"] == "add" and op["path"].startswith("/status/"):
                    written[op["path"][len("/status/"):]] = op["value"]
        self.assertEqual(written.get("completed"), 7, _StandIn.patches)
        self.assertEqual(written.get("checkpoint"), "page-7")
        self.assertEqual(written.get("outcome"), "Succeeded")
        self.assertEqual(_StandIn.patches[-1][-1], {"op": "add", "path": "/status/outcome", "value": "Succeeded"})

    def test_the_wrappers_example_lines_say_what_the_readme_says(self):
        lines = blocks("The command wrapper")[0].splitlines()
        self.assertEqual(parse_line(lines[0]), {"completed": "7", "checkpoint": "page-7"})
        self.assertEqual(parse_line(lines[1]), {"total": "120", "message": "fetching page 8",
                                                "serviceJobId": "batch-42", "error": "portal said 503"})


if __name__ == "__main__":
    unittest.main()
