"""``python -m sentiment robustness``: how a checkpoint copes with contrastive text.

Three measurements, one module each, assembled by ``report``:

- ``contrast_pairs``: counterfactually edited IMDB reviews (CAD dev, read by
  ``sentiment.cad``), accuracy on originals and edits, and consistency (both right);
- ``behaviour``: CheckList-style tests generated from the project's own
  templates (negation, "X, but Y", irony, intensifiers and hedges, invariance,
  directional sentences);
- ``taxonomy``: test-set mistakes tagged by documented heuristics, with the
  error rate of each tag against its absence (the lift).

``run`` loads the data and the checkpoint and calls them; ``lexicon`` holds the
opinion words the heuristics count.
"""
