"""The base layer: settings with every default, errors, logging, category ids, working days, text safety.

Every other package may import this one; it imports none of them, so the lead store, the scorer and the
crawl side agree on one definition of each without depending on each other.
"""
