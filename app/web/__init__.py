"""HTTP plumbing shared by every domain: templates, security middleware, auth dependencies."""
