# Defaults carry the names of the team guide. Nothing account-specific has a default: the account
# comes from the credentials Terraform runs with, the repository and domain from terraform.tfvars.

variable "aws_region" {
  description = "Region of every resource."
  type        = string
  default     = "eu-west-1"
}

variable "project" {
  description = "Name prefix of resources that have no name of their own in the guide."
  type        = string
  default     = "clockko"
}

variable "environment" {
  description = "Tag value that tells environments apart."
  type        = string
  default     = "production"
}

# --- Network -------------------------------------------------------------------------------------

variable "vpc_cidr" {
  description = "Address range of the VPC."
  type        = string
  default     = "10.20.0.0/16"
}

variable "public_subnet_cidrs" {
  description = "Two public subnets (ALB, NAT gateway), one per availability zone."
  type        = list(string)
  default     = ["10.20.0.0/24", "10.20.1.0/24"]

  validation {
    condition     = length(var.public_subnet_cidrs) == 2
    error_message = "Give exactly two public subnets (two availability zones)."
  }
}

variable "private_subnet_cidrs" {
  description = "Two private subnets (ECS tasks, RDS), one per availability zone."
  type        = list(string)
  default     = ["10.20.10.0/24", "10.20.11.0/24"]

  validation {
    condition     = length(var.private_subnet_cidrs) == 2
    error_message = "Give exactly two private subnets (two availability zones)."
  }
}

# --- Load balancer -------------------------------------------------------------------------------

variable "alb_name" {
  description = "Name of the Application Load Balancer."
  type        = string
  default     = "clockko-backend-alb"
}

variable "certificate_arn" {
  description = "ACM certificate for the HTTPS listener. Empty: HTTP only. Set: HTTPS on 443 and HTTP redirects to it."
  type        = string
  default     = ""
}

variable "health_check_path" {
  description = "Target group health check: the server's liveness endpoint (GET /health, touches no dependency)."
  type        = string
  default     = "/health"
}

variable "deregistration_delay" {
  description = "Seconds the ALB drains a target. Also given to the server as SHUTDOWN_DELAY_SECONDS."
  type        = number
  default     = 30

  validation {
    # The container's stopTimeout is this plus 15 s, and Fargate allows at most 120 s.
    condition     = var.deregistration_delay >= 0 && var.deregistration_delay <= 100
    error_message = "deregistration_delay must be between 0 and 100 seconds."
  }
}

# --- ECS -----------------------------------------------------------------------------------------

variable "cluster_name" {
  description = "ECS cluster."
  type        = string
  default     = "clockko-cluster"
}

variable "service_name" {
  description = "ECS service."
  type        = string
  default     = "clockko-backend-service"
}

variable "task_family" {
  description = "Task definition family (the deploy workflow registers new revisions of it)."
  type        = string
  default     = "clockko-backend"
}

variable "container_name" {
  description = "Name of the API container in the task definition."
  type        = string
  default     = "clockko-api"
}

variable "container_port" {
  description = "Port the server listens on (its PORT; the server's default is 8000)."
  type        = number
  default     = 8000
}

variable "image_tag" {
  description = "Image tag of the revision Terraform registers. Deployments register their own revisions tagged with the commit SHA."
  type        = string
  default     = "bootstrap"
}

variable "task_cpu" {
  description = "Fargate CPU units per task."
  type        = number
  default     = 512
}

variable "task_memory" {
  description = "Fargate memory (MiB) per task."
  type        = number
  default     = 1024
}

variable "desired_count" {
  description = "Number of tasks (two: one per availability zone)."
  type        = number
  default     = 2
}

variable "ecr_repository_name" {
  description = "ECR repository of the service image."
  type        = string
  default     = "clockko-backend"
}

variable "ecr_keep_images" {
  description = "Tagged images the ECR lifecycle policy keeps (older ones are expired)."
  type        = number
  default     = 30
}

variable "log_group_name" {
  description = "CloudWatch log group of the containers."
  type        = string
  default     = "/clockko/app"
}

variable "log_retention_days" {
  description = "Days CloudWatch keeps the logs."
  type        = number
  default     = 30
}

# --- Application settings (plain environment of the container) -----------------------------------

variable "frontend_url" {
  description = "FRONTEND_URL: base of the links in emails."
  type        = string
  default     = "http://localhost:3000"
}

variable "cors_origins" {
  description = "CORS_ORIGINS: browser origins allowed to call the API."
  type        = list(string)
  default     = ["http://localhost:3000"]
}

variable "smtp_host" {
  description = "SMTP_HOST, for example email-smtp.eu-west-1.amazonaws.com (SES). Required in production."
  type        = string
}

variable "smtp_port" {
  description = "SMTP_PORT (587 STARTTLS, 465 implicit TLS)."
  type        = number
  default     = 587
}

variable "smtp_tls" {
  description = "SMTP_TLS: starttls, tls or off (off is refused by the server in production)."
  type        = string
  default     = "starttls"

  validation {
    condition     = contains(["starttls", "tls"], var.smtp_tls)
    error_message = "smtp_tls must be starttls or tls in AWS."
  }
}

variable "smtp_from" {
  description = "SMTP_FROM: sender address (verified in SES). Required in production."
  type        = string
}

variable "smtp_from_name" {
  description = "SMTP_FROM_NAME: sender display name."
  type        = string
  default     = "ClockKo"
}

variable "log_level" {
  description = "LOG_LEVEL of the server."
  type        = string
  default     = "info"
}

variable "bcrypt_rounds" {
  description = "BCRYPT_ROUNDS (cost of password hashes)."
  type        = number
  default     = 12
}

variable "extra_environment" {
  description = "More plain settings for the container, e.g. the throttling variables (LOGIN_MAX_FAILURES = \"10\")."
  type        = map(string)
  default     = {}

  validation {
    condition = length(setintersection(keys(var.extra_environment),
    ["SECRET_KEY", "SECRET_KEY_PREVIOUS", "DATABASE_URL", "SMTP_USER", "SMTP_PASSWORD"])) == 0
    error_message = "Secrets come from Secrets Manager, never from extra_environment."
  }
}

# --- Secrets -------------------------------------------------------------------------------------

variable "jwt_secret_name" {
  description = "Secrets Manager secret holding {\"jwt_secret\": …, \"jwt_secret_previous\": …}."
  type        = string
  default     = "clockko-jwt-secret"
}

variable "db_secret_name" {
  description = "Secrets Manager secret holding the database credentials and the URL-encoded database_url."
  type        = string
  default     = "clockko-db-creds"
}

variable "smtp_secret_name" {
  description = "Secrets Manager secret holding {\"username\": …, \"password\": …} of the SMTP server (SES SMTP credentials), filled in by hand."
  type        = string
  default     = "clockko-smtp-creds"
}

variable "secret_recovery_window_days" {
  description = "Days a deleted secret can still be restored (0 deletes at once)."
  type        = number
  default     = 7
}

# --- Database ------------------------------------------------------------------------------------

variable "db_identifier" {
  description = "RDS instance identifier."
  type        = string
  default     = "clockko-db"
}

variable "db_name" {
  description = "Database name."
  type        = string
  default     = "clockko"
}

variable "db_username" {
  description = "Master user name."
  type        = string
  default     = "clockko"
}

variable "db_instance_class" {
  description = "RDS instance class."
  type        = string
  default     = "db.t4g.micro"
}

variable "db_allocated_storage" {
  description = "Initial storage (GiB)."
  type        = number
  default     = 20
}

variable "db_max_allocated_storage" {
  description = "Storage autoscaling ceiling (GiB)."
  type        = number
  default     = 100
}

variable "db_multi_az" {
  description = "Standby instance in the second zone."
  type        = bool
  default     = false
}

variable "db_backup_retention_days" {
  description = "Days of automated backups kept."
  type        = number
  default     = 7

  validation {
    condition     = var.db_backup_retention_days >= 1
    error_message = "Backups must be kept (at least 1 day)."
  }
}

variable "db_deletion_protection" {
  description = "Refuse to delete the database (turn off only to tear the platform down)."
  type        = bool
  default     = true
}

variable "db_skip_final_snapshot" {
  description = "Delete the database without a final snapshot."
  type        = bool
  default     = false
}

# --- GitHub Actions ------------------------------------------------------------------------------

variable "github_repository" {
  description = "owner/name of the GitHub repository allowed to deploy (from its main branch only)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$", var.github_repository))
    error_message = "github_repository must look like owner/name."
  }
}

variable "create_github_oidc_provider" {
  description = "Create the account's GitHub OIDC provider (false when the account already has one)."
  type        = bool
  default     = true
}

variable "github_deploy_role_name" {
  description = "IAM role GitHub Actions assumes to deploy."
  type        = string
  default     = "clockko-github-deploy"
}
