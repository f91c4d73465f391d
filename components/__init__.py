"""RewardBench Dashboard: the application package (data flows loader -> figures -> layout)."""
