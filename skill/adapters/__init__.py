"""Adapters: the ports implemented for real devices, files and terminals."""
