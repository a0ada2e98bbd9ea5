"""Great Expectations for the batch verdict and the audit record: one ephemeral context per
validation, each suite run once in SUMMARY over its batch. GX is imported here, inside the
functions, because importing it takes seconds and the DAG file imports the steps at parse time.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import pandas as pd

from mqlsync.validate.suites import Suite


class GxRunner:
    """Builds the ephemeral context once (no files written, nothing fetched) and runs suites on it."""

    def __init__(self) -> None:
        os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
        import great_expectations as gx
        from great_expectations.data_context.types.base import ProgressBarsConfig

        self._gx = gx
        self.context = gx.get_context(mode="ephemeral")
        self.context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
        self._source = self.context.data_sources.add_pandas("mqlsync_validate")

    def run(self, suite: Suite, frame: pd.DataFrame, parameters: Mapping[str, datetime]) -> dict[str, Any]:
        """The suite's GX result (`to_json_dict()`) on `frame`, SUMMARY format."""
        gx = self._gx
        batch = self._source.add_dataframe_asset(suite.name).add_batch_definition_whole_dataframe("batch")
        gx_suite = self.context.suites.add(gx.ExpectationSuite(**suite.gx_json()))
        definition = self.context.validation_definitions.add(
            gx.ValidationDefinition(name=f"{suite.name}_validation", data=batch, suite=gx_suite)
        )
        result = definition.run(
            batch_parameters={"dataframe": frame},
            expectation_parameters=dict(parameters),
            result_format={"result_format": "SUMMARY", "partial_unexpected_count": 0},
        )
        return result.to_json_dict()
