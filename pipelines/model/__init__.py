"""The bureau's own model: trained from officers' verdicts, it re-ranks the queue beside the rules.

``labels`` gathers labelled listings, ``features`` says what the model sees, ``train`` fits and measures it,
``registry`` keeps the versions under ``TRADEWATCH_HOME/models/``, ``predict`` scores and combines.
"""
