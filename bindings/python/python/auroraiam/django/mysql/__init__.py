"""``ENGINE: "auroraiam.django.mysql"``: Django's MySQL backend with IAM tokens (over PyMySQL)."""
