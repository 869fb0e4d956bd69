"""The fix stage: plan repairs from a run, apply them into a new tree, re-check, package."""
