"""Django database backends with IAM tokens: ``ENGINE: "auroraiam.django.postgresql"`` or
``"auroraiam.django.mysql"``; every new connection gets a current token.

    DATABASES = {"default": {
        "ENGINE": "auroraiam.django.postgresql",
        "HOST": "mydb.cluster-abc.us-east-1.rds.amazonaws.com", "PORT": 5432,
        "NAME": "app", "USER": "app_user",          # no PASSWORD
        "OPTIONS": {"sslrootcert": "/etc/ssl/rds-global-bundle.pem"},
    }}

``OPTIONS`` takes auroraiam's options (``region``, ``profile``, ``expires_in``,
``refresh_margin``, ``dsql``, ``credentials``) besides the driver's. PostgreSQL: psycopg 3 or
psycopg2 (as Django picks); ``sslmode`` defaults to verify-full. MySQL: PyMySQL (installed as
``MySQLdb`` when mysqlclient is absent); TLS with ``OPTIONS["ssl"] = {"ca": path}``. One token
signer per database alias, kept for the process. Requires the ``django`` extra.
"""
