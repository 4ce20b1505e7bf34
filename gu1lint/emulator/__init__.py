"""A local emulator of the gu1 batch-import API, for upload tests and offline demonstrations.

It decides row failures with its own small reading of the documented server rules
(`server_rules`), written apart from `gu1lint.checks`, so that tests can compare the two.
Install it with the `emulator` extra (Starlette and uvicorn).
"""
