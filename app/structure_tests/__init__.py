"""Structure tests: collective actions that measure whether the committee reaches everyone."""
