"""Variant plug-ins: each kind is one class registered in :data:`VARIANTS`."""

from harness.runner.variants.base import VARIANTS, Prediction, RunContext, Variant, VariantConfig, VariantInfo

__all__ = ["VARIANTS", "Prediction", "RunContext", "Variant", "VariantConfig", "VariantInfo"]
