"""Detectors: each turns a text into findings. See ``base.Detector``."""
