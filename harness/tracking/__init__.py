"""tracking stage: the only package that imports mlflow.

``store`` (where runs live: ``tracking_uri``, ``ensure_store``), ``runlog`` (one run's life and
statuses), ``per_row`` (per-category results in the UI), ``masking`` (no credentials in the store),
``runs_query`` (reading a suite's runs back). mlflow is imported inside functions, so importing
this package stays cheap.
"""
