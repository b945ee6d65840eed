"""Moved to `reportgen.vi_format` (below plan and console, which need it too).

Kept only so that code written before the move still imports; new code imports
`reportgen.vi_format`.
"""

from ..vi_format import *  # noqa: F401,F403
from ..vi_format import BLANK, LOCALE  # noqa: F401
