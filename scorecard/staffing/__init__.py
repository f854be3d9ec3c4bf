"""Staffing: Erlang C and Erlang A (M/M/n+M) queues, for what a vendor's staffing allowed and needed."""
