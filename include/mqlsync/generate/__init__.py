"""The synthetic life-sciences world and its ground truth (docs/world-format.md).

`generate_world(out_dir, people=..., seed=...)` writes Salesforce and HubSpot records, Marketo and
Account Engagement exports, and truth/ tables; `mqlsync generate` is the same from the shell.
"""

from mqlsync.generate.config import DirtyRatesConfig, SystemsConfig, WorldConfig, load_world_config
from mqlsync.generate.world import FileEntry, WorldManifest, generate_world

__all__ = [
    "DirtyRatesConfig",
    "FileEntry",
    "SystemsConfig",
    "WorldConfig",
    "WorldManifest",
    "generate_world",
    "load_world_config",
]
