variable "aws_region" {
  description = "Region of the state bucket and lock table."
  type        = string
  default     = "eu-west-1"
}

variable "state_bucket_name" {
  description = "Name of the state bucket. Empty: clockko-terraform-state-<account id>-<region> (bucket names are global)."
  type        = string
  default     = ""
}

variable "lock_table_name" {
  description = "DynamoDB table that locks the state."
  type        = string
  default     = "clockko-terraform-locks"
}

variable "state_key" {
  description = "Object key of the platform's state in the bucket."
  type        = string
  default     = "clockko/backend.tfstate"
}

variable "noncurrent_version_days" {
  description = "Days old state versions are kept (to recover from a bad apply)."
  type        = number
  default     = 90
}
