terraform {
  required_version = ">= 1.6.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.70"
    }
    random = {
      source  = "hashicorp/random"
      version = "~> 3.6"
    }
  }

  # Remote state in the bucket and lock table made by ./bootstrap. The values are account-specific,
  # so they are given at init time: terraform init -backend-config=backend.hcl
  # (copy backend.hcl.example, or paste the bootstrap's `backend_config` output).
  backend "s3" {}
}
