"""Projects: larger work in milestones, one parent for all of it, paid milestone by milestone.

Each milestone is a work item (core/models.py WorkItem with `project_id`), so its payment,
delivery, changes, approval, auto-approval, dispute and payout are exactly a single item's;
this package adds what ties them: posting them together, offering them as one, holding one
parent to them, approving them in order, and ending the project.
"""
