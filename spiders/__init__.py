"""Spiders: one generic profile-driven listing spider; a subclass only where a site really needs code."""
