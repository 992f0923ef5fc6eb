"""Stage 5, incremental: `kg check` after an edit — what changed on disk (`state`), the nodes a change reaches and
their constraints run again (`reach`), the violation queries run again (`requery`), and the choice between that and
a full check (`recheck`)."""
