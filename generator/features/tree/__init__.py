"""Decision tree: from the message a reader sees, through questions, to the fix.

Input: the validated catalogue; output: per version, one model (`derive`) that the
site page and the single HTML file (`export`) and `kb triage` (`walk`, `terminal`) share.
"""

from .derive import ROOT, CauseEnd, Choice, DecisionTree, Node, NotCovered, Question, derive

__all__ = ["ROOT", "CauseEnd", "Choice", "DecisionTree", "Node", "NotCovered", "Question",
           "derive"]
