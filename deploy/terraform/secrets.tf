# The secrets the task reads. Their values are in the Terraform state too: the state bucket is
# encrypted and private (see bootstrap/).

# --- JWT signing key: {"jwt_secret": …, "jwt_secret_previous": …} -------------------------------

resource "random_password" "jwt" {
  length  = 64
  special = false
}

resource "aws_secretsmanager_secret" "jwt" {
  name                    = var.jwt_secret_name
  description             = "ClockKo JWT signing key (SECRET_KEY from jwt_secret, SECRET_KEY_PREVIOUS from jwt_secret_previous)"
  recovery_window_in_days = var.secret_recovery_window_days
}

resource "aws_secretsmanager_secret_version" "jwt" {
  secret_id = aws_secretsmanager_secret.jwt.id
  secret_string = jsonencode({
    jwt_secret          = random_password.jwt.result
    jwt_secret_previous = ""
  })

  # Rotation is done in Secrets Manager (deploy/terraform/README.md); Terraform only seeds it.
  lifecycle {
    ignore_changes = [secret_string]
  }
}

# --- Database: the parts, and the URL the server reads with the password percent-encoded --------

locals {
  database_url = format(
    "postgresql://%s:%s@%s:%d/%s?sslmode=require",
    urlencode(var.db_username),
    urlencode(random_password.db.result),
    aws_db_instance.main.address,
    aws_db_instance.main.port,
    urlencode(var.db_name),
  )
}

resource "aws_secretsmanager_secret" "db" {
  name                    = var.db_secret_name
  description             = "ClockKo PostgreSQL credentials; database_url is the DATABASE_URL of the server"
  recovery_window_in_days = var.secret_recovery_window_days
}

resource "aws_secretsmanager_secret_version" "db" {
  secret_id = aws_secretsmanager_secret.db.id
  secret_string = jsonencode({
    engine       = "postgres"
    username     = var.db_username
    password     = random_password.db.result
    host         = aws_db_instance.main.address
    port         = aws_db_instance.main.port
    dbname       = var.db_name
    database_url = local.database_url
  })
}

# --- SMTP credentials (SES SMTP user): {"username": …, "password": …} ---------------------------
# Terraform creates the secret empty; the real credentials are put in by hand so that they never
# pass through tfvars or the state (deploy/terraform/README.md).

resource "aws_secretsmanager_secret" "smtp" {
  name                    = var.smtp_secret_name
  description             = "ClockKo SMTP credentials (SMTP_USER from username, SMTP_PASSWORD from password)"
  recovery_window_in_days = var.secret_recovery_window_days
}

resource "aws_secretsmanager_secret_version" "smtp" {
  secret_id = aws_secretsmanager_secret.smtp.id
  secret_string = jsonencode({
    username = ""
    password = ""
  })

  lifecycle {
    ignore_changes = [secret_string]
  }
}
