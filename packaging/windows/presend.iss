; Inno Setup 6 script: presend for Windows, from the PyInstaller one-folder build.
;
; Build (on Windows, after `pyinstaller --noconfirm packaging\presend.spec`):
;   iscc /DAppVersion=0.1.0 packaging\windows\presend.iss
; Output: dist\installer\presend-setup-<version>.exe
;
; Installs per user without admin rights by default (HKCU, %LOCALAPPDATA%\Programs);
; an admin can install for all users (/ALLUSERS: Program Files, HKLM), which is what
; fleet deployments use. The right-click verb and the Run-key autostart are the same
; values `presend integrate install --target windows` writes, under HKA (HKLM for an
; all-users install, HKCU otherwise); see docs/install.md.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif

[Setup]
AppId={{6E0C8F57-3B0B-4C1E-9C55-7A1E2B5D9F41}
AppName=presend
AppVersion={#AppVersion}
AppPublisher=presend contributors
AppPublisherURL=https://github.com/presend/presend
DefaultDirName={autopf}\presend
DefaultGroupName=presend
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=commandline dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\..\dist\installer
OutputBaseFilename=presend-setup-{#AppVersion}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
UninstallDisplayIcon={app}\presend.exe
CloseApplications=yes
SetupLogging=yes

[Tasks]
Name: "contextmenu"; Description: "Add ""Check with presend"" to the right-click menu of files and folders"
Name: "autostart"; Description: "Start presend when I log in"
Name: "sendto"; Description: "Add presend to the Send To menu"; Check: not IsAdminInstallMode

[Files]
Source: "..\..\dist\presend\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\presend"; Filename: "{app}\presendw.exe"; Parameters: "tray"; Comment: "Pre-send guard"
Name: "{usersendto}\Check with presend"; Filename: "{app}\presendw.exe"; Parameters: "check --"; Comment: "Check the files for secrets and personal data with presend"; Tasks: sendto

[Registry]
Root: HKA; Subkey: "Software\Classes\*\shell\presend"; ValueType: string; ValueName: ""; ValueData: "Check with presend"; Flags: uninsdeletekey; Tasks: contextmenu
Root: HKA; Subkey: "Software\Classes\*\shell\presend"; ValueType: string; ValueName: "Icon"; ValueData: "{app}\presendw.exe,0"; Tasks: contextmenu
Root: HKA; Subkey: "Software\Classes\*\shell\presend\command"; ValueType: string; ValueName: ""; ValueData: """{app}\presendw.exe"" check -- ""%1"""; Tasks: contextmenu
Root: HKA; Subkey: "Software\Classes\Directory\shell\presend"; ValueType: string; ValueName: ""; ValueData: "Check with presend"; Flags: uninsdeletekey; Tasks: contextmenu
Root: HKA; Subkey: "Software\Classes\Directory\shell\presend"; ValueType: string; ValueName: "Icon"; ValueData: "{app}\presendw.exe,0"; Tasks: contextmenu
Root: HKA; Subkey: "Software\Classes\Directory\shell\presend\command"; ValueType: string; ValueName: ""; ValueData: """{app}\presendw.exe"" check -- ""%1"""; Tasks: contextmenu
Root: HKA; Subkey: "Software\Microsoft\Windows\CurrentVersion\Run"; ValueType: string; ValueName: "presend"; ValueData: """{app}\presendw.exe"" tray"; Flags: uninsdeletevalue; Tasks: autostart

[Run]
Filename: "{app}\presendw.exe"; Parameters: "tray"; Description: "Start presend now"; Flags: nowait postinstall skipifsilent

[UninstallRun]
; Entries a user added later with `presend integrate install` (manifest-backed).
Filename: "{app}\presend.exe"; Parameters: "integrate uninstall -q"; Flags: runhidden; RunOnceId: "presendIntegrateUninstall"
