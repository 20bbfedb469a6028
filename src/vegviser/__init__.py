"""Vegviser: habilitation and rehabilitation services in Norway."""
