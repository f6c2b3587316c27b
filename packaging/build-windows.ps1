# Build presend for Windows: the PyInstaller one-folder app, then the Inno Setup installer.
# Run from the repository root in PowerShell, with the project venv (.venv) holding
# presend[names] and pyinstaller==6.22.3, and Inno Setup 6 (iscc.exe) on PATH.
$ErrorActionPreference = 'Stop'
$root = Split-Path -Parent $PSScriptRoot
Set-Location $root
$version = (& .venv\Scripts\python.exe -c "import app; print(app.__version__)").Trim()
& .venv\Scripts\python.exe -m PyInstaller --noconfirm --clean packaging\presend.spec
& dist\presend\presend.exe --version
& iscc.exe "/DAppVersion=$version" packaging\windows\presend.iss
Write-Host "built dist\installer\presend-setup-$version.exe"
