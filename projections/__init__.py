"""The read side: read models folded from the FundingOffice's notification log.

Nobody reads aggregates to answer a question: officers, associations and finance read these tables.
Each read model is a fold over the log with its own tracking row, written in the same transaction as
its rows, so every event is applied exactly once and a restart resumes where it stopped.
"""
