<#
.SYNOPSIS
    Writes a .env for the ClockKo server from AWS Secrets Manager (Windows twin of make-env.sh).

.DESCRIPTION
    Reads SECRET_KEY from the jwt_secret field of clockko-jwt-secret and DATABASE_URL from
    clockko-db-creds (its database_url field, or built from username/password/host/port/dbname
    with the user and password percent-encoded). Needs the AWS CLI v2 and a logged-in SSO profile
    (docs/aws-sso.md). Unlike make-env.sh it needs no jq: PowerShell reads JSON itself.

    Quoting rule (the same as make-env.sh): every value is in double quotes; a backslash, a double
    quote, $ and a backtick are escaped with a backslash; a newline is written \n, a carriage
    return \r and a tab \t. Other control characters are refused. The file is UTF-8 without a BOM,
    with LF line ends, readable only by you.

.EXAMPLE
    pwsh scripts/make-env.ps1
    pwsh scripts/make-env.ps1 -AwsProfile clockko-cloud-engineer -Output .env -Force
#>
[CmdletBinding()]
param(
    [string]$AwsProfile = $(if ($env:AWS_PROFILE) { $env:AWS_PROFILE } else { 'clockko-cloud-engineer' }),
    [string]$Region = $(if ($env:AWS_REGION) { $env:AWS_REGION } elseif ($env:AWS_DEFAULT_REGION) { $env:AWS_DEFAULT_REGION } else { 'eu-west-1' }),
    [string]$Output = '.env',
    [switch]$Force,
    [string]$JwtSecretId = 'clockko-jwt-secret',
    [string]$DbSecretId = 'clockko-db-creds',
    [switch]$Help
)

Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'

if ($Help) {
    Get-Help -Detailed $PSCommandPath
    exit 0
}

function Fail([string]$Message) {
    [Console]::Error.WriteLine("make-env: error: $Message")
    exit 1
}

# Text of a secret field, checked: present, non-empty, no control character a .env cannot hold.
function Get-Field($Object, [string]$Name, [string]$SecretId) {
    $property = $Object.PSObject.Properties[$Name]
    if ($null -eq $property -or $null -eq $property.Value -or "$($property.Value)" -eq '') {
        Fail "$Name in $SecretId is missing or empty."
    }
    $value = "$($property.Value)"
    foreach ($c in $value.ToCharArray()) {
        $code = [int]$c
        if (($code -lt 32 -and $code -ne 9 -and $code -ne 10 -and $code -ne 13) -or $code -eq 127) {
            Fail "$Name in $SecretId contains a control character that a .env file cannot hold."
        }
    }
    return $value
}

function ConvertTo-DotEnvValue([string]$Value) {
    $escaped = $Value.Replace('\', '\\').Replace('"', '\"').Replace('$', '\$').Replace('`', '\`')
    $escaped = $escaped.Replace("`n", '\n').Replace("`r", '\r').Replace("`t", '\t')
    return '"' + $escaped + '"'
}

# RFC 3986: everything but A-Z a-z 0-9 - _ . ~ is percent-encoded (UTF-8 bytes).
function ConvertTo-UriComponent([string]$Value) {
    $builder = New-Object System.Text.StringBuilder
    foreach ($b in [System.Text.Encoding]::UTF8.GetBytes($Value)) {
        # Compared as numbers: string comparison in PowerShell is culture-aware and case-blind.
        $unreserved = ($b -ge 65 -and $b -le 90) -or ($b -ge 97 -and $b -le 122) -or ($b -ge 48 -and $b -le 57) -or
            $b -eq 45 -or $b -eq 95 -or $b -eq 46 -or $b -eq 126
        if ($unreserved) {
            [void]$builder.Append([char]$b)
        } else {
            [void]$builder.AppendFormat('%{0:X2}', $b)
        }
    }
    return $builder.ToString()
}

# Runs the AWS CLI; returns its standard output as one string, or fails with its error output.
function Invoke-Aws([string[]]$Arguments, [string]$WhatFailed) {
    $errorFile = [System.IO.Path]::GetTempFileName()
    # A native command's error output must not become a terminating error (Windows PowerShell 5.1
    # turns redirected stderr lines into error records): its exit code decides.
    $ErrorActionPreference = 'Continue'
    try {
        $out = & aws @Arguments --profile $AwsProfile --region $Region --output json 2> $errorFile
        if ($LASTEXITCODE -ne 0) {
            $said = (Get-Content -Raw -LiteralPath $errorFile)
            Fail "$WhatFailed The AWS CLI said:`n    $said"
        }
        return ($out -join "`n")
    } finally {
        Remove-Item -LiteralPath $errorFile -Force -ErrorAction SilentlyContinue
    }
}

function Get-SecretObject([string]$SecretId) {
    $response = Invoke-Aws @('secretsmanager', 'get-secret-value', '--secret-id', $SecretId) `
        "cannot read secret `"$SecretId`" in $Region with profile `"$AwsProfile`". Check its name and region, and that your role may call secretsmanager:GetSecretValue."
    try {
        $secret = ($response | ConvertFrom-Json).SecretString | ConvertFrom-Json
    } catch {
        $secret = $null
    }
    if ($null -eq $secret -or $secret -isnot [System.Management.Automation.PSCustomObject]) {
        Fail "secret `"$SecretId`" is not a JSON object (expected the format of docs/aws-sso.md)."
    }
    return $secret
}

# --- preconditions, cheapest first ---------------------------------------------------------------

if (-not (Get-Command aws -ErrorAction SilentlyContinue)) {
    Fail "the AWS CLI ('aws') is not on PATH. Install AWS CLI v2 and configure the SSO profile: see docs/aws-sso.md."
}
if (Test-Path -LiteralPath $Output -PathType Container) {
    Fail "$Output is a directory."
}
if ((Test-Path -LiteralPath $Output) -and -not $Force) {
    Fail "$Output already exists; it was left unchanged. Run again with -Force to replace it."
}
$outputPath = if ([System.IO.Path]::IsPathRooted($Output)) { $Output } else { Join-Path (Get-Location).ProviderPath $Output }
$outputPath = [System.IO.Path]::GetFullPath($outputPath)
$outputDir = [System.IO.Path]::GetDirectoryName($outputPath)

$ErrorActionPreference = 'Continue' # see Invoke-Aws
$stsOutput = & aws sts get-caller-identity --profile $AwsProfile --region $Region --output json 2>&1
$stsStatus = $LASTEXITCODE
$ErrorActionPreference = 'Stop'
if ($stsStatus -ne 0) {
    $said = ($stsOutput | ForEach-Object { "$_" }) -join "`n    "
    Fail ("AWS profile `"$AwsProfile`" is not logged in, or its SSO session has expired.`n" +
        "  Log in with:  aws sso login --profile $AwsProfile`n" +
        "  (setup: docs/aws-sso.md). The AWS CLI said:`n    $said")
}

# --- read and write --------------------------------------------------------------------------------

$jwt = Get-SecretObject $JwtSecretId
$db = Get-SecretObject $DbSecretId

$secretKey = Get-Field $jwt 'jwt_secret' $JwtSecretId
if ($db.PSObject.Properties['database_url'] -and "$($db.database_url)" -ne '') {
    $databaseUrl = Get-Field $db 'database_url' $DbSecretId
} else {
    $user = ConvertTo-UriComponent (Get-Field $db 'username' $DbSecretId)
    $password = ConvertTo-UriComponent (Get-Field $db 'password' $DbSecretId)
    $dbHost = Get-Field $db 'host' $DbSecretId
    $port = if ($db.PSObject.Properties['port'] -and "$($db.port)" -ne '') { "$($db.port)" } else { '5432' }
    $name = if ($db.PSObject.Properties['dbname'] -and "$($db.dbname)" -ne '') { "$($db.dbname)" } else { 'postgres' }
    $databaseUrl = "postgresql://${user}:${password}@${dbHost}:${port}/$(ConvertTo-UriComponent $name)"
}

$text = "# ClockKo settings from AWS Secrets Manager, written by scripts/make-env.ps1.`n" +
    "# Contains secrets: never commit or share this file (mode 600).`n" +
    "# Values are double-quoted; \ `" `$ `` are backslash-escaped, a newline is \n.`n" +
    "SECRET_KEY=$(ConvertTo-DotEnvValue $secretKey)`n" +
    "DATABASE_URL=$(ConvertTo-DotEnvValue $databaseUrl)`n"

$temporary = Join-Path $outputDir (".env.make-env." + [System.IO.Path]::GetRandomFileName())
try {
    # Create the file empty and private first, then write the secrets into it.
    [System.IO.File]::WriteAllText($temporary, '')
    $onWindows = ($PSVersionTable.PSEdition -eq 'Desktop') -or ((Test-Path variable:IsWindows) -and $IsWindows)
    if ($onWindows) {
        $acl = New-Object System.Security.AccessControl.FileSecurity
        $acl.SetAccessRuleProtection($true, $false) # drop inherited access
        $me = [System.Security.Principal.WindowsIdentity]::GetCurrent().User
        $rule = New-Object System.Security.AccessControl.FileSystemAccessRule($me, 'FullControl', 'Allow')
        $acl.AddAccessRule($rule)
        Set-Acl -LiteralPath $temporary -AclObject $acl
    } else {
        & chmod 600 $temporary
        if ($LASTEXITCODE -ne 0) { Fail "cannot make $temporary private." }
    }
    [System.IO.File]::WriteAllText($temporary, $text, (New-Object System.Text.UTF8Encoding($false)))
    Move-Item -LiteralPath $temporary -Destination $outputPath -Force
} finally {
    if (Test-Path -LiteralPath $temporary) { Remove-Item -LiteralPath $temporary -Force }
}

[Console]::Error.WriteLine("make-env: wrote $Output (SECRET_KEY, DATABASE_URL; readable only by you) from $JwtSecretId and $DbSecretId.")
[Console]::Error.WriteLine("make-env: DATABASE_URL names the RDS instance, reachable only from inside the VPC (docs/aws-sso.md).")
