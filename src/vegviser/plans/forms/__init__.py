"""Forms of the plans app, one module per part: the plan itself, meetings, evaluations."""
