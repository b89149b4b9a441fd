"""What ``render.render_relations`` gives the plan, as a light type. Pure.

The plan names it on every hook; the renderer, and the readers of scrape jobs behind it, are
imported only when a ``metrics-endpoint`` relation has data.
"""

from dataclasses import dataclass
from typing import Tuple

from domain.prometheus.scrape_jobs import ScrapeJob


@dataclass(frozen=True)
class RenderedScrape:
    jobs: Tuple[ScrapeJob, ...] = ()
    config_files: Tuple[Tuple[str, str], ...] = ()
    target_files: Tuple[Tuple[str, str], ...] = ()
    secrets: Tuple[Tuple[str, str], ...] = ()
    notes: Tuple[Tuple[int, str], ...] = ()  # (relation id, what was dropped and why)
