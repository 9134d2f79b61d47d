"""serve stage: the guarded summarizer the team ships, as one object a backend can call.

``config`` (what a packaged summarizer holds: the guard and, optionally, the model it runs),
``summarizer`` (facts in, two paragraphs and their source out). MLflow packaging lives in
``harness.tracking.summarizer_model``; this package never imports mlflow.
"""
