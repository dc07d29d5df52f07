"""Parses a /metrics scrape (stdin) with Prometheus' own Python client and prints its
samples as JSON lines: {"name", "labels", "value"}. A scrape it cannot parse fails."""

import json
import sys

from prometheus_client.parser import text_string_to_metric_families

for family in text_string_to_metric_families(sys.stdin.read()):
    for sample in family.samples:
        print(json.dumps({"name": sample.name, "labels": sample.labels, "value": sample.value}))
