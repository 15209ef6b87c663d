# Run once per account, with local state (the state of the state bucket is small and is kept by
# whoever ran it; it can be re-imported): terraform init && terraform apply
terraform {
  required_version = ">= 1.6.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.70"
    }
  }
}

provider "aws" {
  region = var.aws_region

  default_tags {
    tags = {
      Project   = "clockko"
      ManagedBy = "terraform"
      Purpose   = "terraform-state"
    }
  }
}
