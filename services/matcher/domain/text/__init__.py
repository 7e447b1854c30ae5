"""The matcher's French job-text engine: pure Python and numpy, no I/O, nothing loaded at import."""

from services.matcher.domain.text.engine import CorpusNotFitted, TextEngine
from services.matcher.domain.text.fusion import Weights
from services.matcher.domain.text.rome import Encoder, Located, RomeKnowledge

__all__ = ["CorpusNotFitted", "Encoder", "Located", "RomeKnowledge", "TextEngine", "Weights"]
