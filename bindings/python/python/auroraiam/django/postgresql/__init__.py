"""``ENGINE: "auroraiam.django.postgresql"``: Django's PostgreSQL backend with IAM tokens."""
