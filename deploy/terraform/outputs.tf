output "alb_dns_name" {
  description = "Public DNS name of the ALB (point your domain's CNAME/alias here)."
  value       = aws_lb.api.dns_name
}

output "app_url" {
  description = "Base URL of the API through the ALB."
  value       = "${local.https_enabled ? "https" : "http"}://${aws_lb.api.dns_name}"
}

output "docs_url" {
  description = "Interactive API docs."
  value       = "${local.https_enabled ? "https" : "http"}://${aws_lb.api.dns_name}/docs"
}

output "ecr_repository_url" {
  description = "Push images here (the deploy workflow does)."
  value       = aws_ecr_repository.api.repository_url
}

output "ecs_cluster_name" {
  value = aws_ecs_cluster.main.name
}

output "ecs_service_name" {
  value = aws_ecs_service.api.name
}

output "task_definition_family" {
  value = aws_ecs_task_definition.api.family
}

output "container_name" {
  value = var.container_name
}

output "log_group_name" {
  value = aws_cloudwatch_log_group.app.name
}

output "github_deploy_role_arn" {
  description = "Set it as the GitHub repository variable AWS_DEPLOY_ROLE_ARN."
  value       = aws_iam_role.github_deploy.arn
}

output "jwt_secret_name" {
  value = aws_secretsmanager_secret.jwt.name
}

output "db_secret_name" {
  value = aws_secretsmanager_secret.db.name
}

output "smtp_secret_name" {
  value = aws_secretsmanager_secret.smtp.name
}

output "db_endpoint" {
  description = "Private address of the database (reachable from the tasks only)."
  value       = aws_db_instance.main.address
}
