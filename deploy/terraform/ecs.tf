resource "aws_ecs_cluster" "main" {
  name = var.cluster_name

  setting {
    name  = "containerInsights"
    value = "enabled"
  }
}

locals {
  # Plain settings of the server (the names of its Configuration section). Secrets are below.
  app_environment = {
    APP_ENV                    = "production"
    HOST                       = "0.0.0.0"
    PORT                       = tostring(var.container_port)
    LOG_FORMAT                 = "json"
    LOG_LEVEL                  = var.log_level
    BCRYPT_ROUNDS              = tostring(var.bcrypt_rounds)
    FRONTEND_URL               = var.frontend_url
    CORS_ORIGINS               = join(",", var.cors_origins)
    SMTP_HOST                  = var.smtp_host
    SMTP_PORT                  = tostring(var.smtp_port)
    SMTP_TLS                   = var.smtp_tls
    SMTP_FROM                  = var.smtp_from
    SMTP_FROM_NAME             = var.smtp_from_name
    SHUTDOWN_DELAY_SECONDS     = tostring(var.deregistration_delay)
    DB_CONNECT_TIMEOUT_SECONDS = "60"
    # The ALB's nodes have addresses in the public subnets: X-Forwarded-For is trusted from there only.
    TRUSTED_PROXIES = join(",", var.public_subnet_cidrs)
  }

  api_container = {
    name      = var.container_name
    image     = "${aws_ecr_repository.api.repository_url}:${var.image_tag}"
    essential = true

    portMappings = [
      {
        name          = "http"
        containerPort = var.container_port
        hostPort      = var.container_port
        protocol      = "tcp"
      },
    ]

    environment = [
      for name, value in merge(local.app_environment, var.extra_environment) : { name = name, value = value }
    ]

    # "<secret ARN>:<JSON key>::" injects one field of a JSON secret, not the whole document.
    secrets = [
      { name = "SECRET_KEY", valueFrom = "${aws_secretsmanager_secret.jwt.arn}:jwt_secret::" },
      { name = "SECRET_KEY_PREVIOUS", valueFrom = "${aws_secretsmanager_secret.jwt.arn}:jwt_secret_previous::" },
      { name = "DATABASE_URL", valueFrom = "${aws_secretsmanager_secret.db.arn}:database_url::" },
      { name = "SMTP_USER", valueFrom = "${aws_secretsmanager_secret.smtp.arn}:username::" },
      { name = "SMTP_PASSWORD", valueFrom = "${aws_secretsmanager_secret.smtp.arn}:password::" },
    ]

    healthCheck = {
      command     = ["CMD", "clockko", "healthcheck"]
      interval    = 30
      timeout     = 5
      retries     = 3
      startPeriod = 60
    }

    # SIGTERM, then SHUTDOWN_DELAY_SECONDS of serving, then up to 10 s of draining.
    stopTimeout            = var.deregistration_delay + 15
    readonlyRootFilesystem = true

    logConfiguration = {
      logDriver = "awslogs"
      options = {
        awslogs-group         = aws_cloudwatch_log_group.app.name
        awslogs-region        = var.aws_region
        awslogs-stream-prefix = "api"
      }
    }
  }
}

resource "aws_ecs_task_definition" "api" {
  family                   = var.task_family
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = var.task_cpu
  memory                   = var.task_memory
  execution_role_arn       = aws_iam_role.execution.arn
  task_role_arn            = aws_iam_role.task.arn
  container_definitions    = jsonencode([local.api_container])

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = "X86_64"
  }
}

resource "aws_ecs_service" "api" {
  name            = var.service_name
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.api.arn
  desired_count   = var.desired_count
  launch_type     = "FARGATE"

  deployment_minimum_healthy_percent = 100
  deployment_maximum_percent         = 200
  health_check_grace_period_seconds  = 60
  enable_ecs_managed_tags            = true
  propagate_tags                     = "SERVICE"

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  network_configuration {
    subnets          = aws_subnet.private[*].id
    security_groups  = [aws_security_group.tasks.id]
    assign_public_ip = false
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.api.arn
    container_name   = var.container_name
    container_port   = var.container_port
  }

  # The deploy workflow registers a revision per commit and points the service at it; Terraform
  # must not roll the service back to its own revision on the next apply.
  lifecycle {
    ignore_changes = [task_definition]
  }

  depends_on = [aws_lb_listener.http_forward, aws_lb_listener.https, aws_iam_role_policy.execution]
}
