"""Views of the plans app, one module per part: the plan, meetings, evaluations, the unit's overview."""
