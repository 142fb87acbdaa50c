"""Staff review of applications: its services and selectors (models in
`applications.models.reviews`)."""
