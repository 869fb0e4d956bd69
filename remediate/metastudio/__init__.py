"""The MetaStudio API side: AK/SK signing, the HTTP client and its typed results.

Never imports pandas or pyarrow (``make lint`` enforces it with import-linter), so
``remediate jobs`` and ``remediate fetch`` start fast: the DataFrame side lives in
:mod:`remediate.fetch` and :mod:`remediate.audit`.
"""
