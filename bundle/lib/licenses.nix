# A few licenses, in the shape nixpkgs uses ({ spdxId, fullName, free, … }).
{ lib }:
let
  spdx = id: fullName: {
    spdxId = id;
    shortName = lib.strings.toLower id;
    inherit fullName;
    url = "https://spdx.org/licenses/${id}.html";
    free = true;
    redistributable = true;
    deprecated = false;
  };
in
{
  mit = spdx "MIT" "MIT License";
  bsd3 = spdx "BSD-3-Clause" "BSD 3-clause \"New\" or \"Revised\" License";
  asl20 = spdx "Apache-2.0" "Apache License 2.0";
  gpl2Only = spdx "GPL-2.0-only" "GNU General Public License v2.0 only";
  gpl2Plus = spdx "GPL-2.0-or-later" "GNU General Public License v2.0 or later";
  gpl3Only = spdx "GPL-3.0-only" "GNU General Public License v3.0 only";
  gpl3Plus = spdx "GPL-3.0-or-later" "GNU General Public License v3.0 or later";
  lgpl21Plus = spdx "LGPL-2.1-or-later" "GNU Lesser General Public License v2.1 or later";
  mpl20 = spdx "MPL-2.0" "Mozilla Public License 2.0";
  artistic1 = spdx "Artistic-1.0" "Artistic License 1.0";
  free = {
    fullName = "Unspecified free software license";
    free = true;
    redistributable = true;
    deprecated = false;
  };
  unfree = {
    shortName = "unfree";
    fullName = "Unfree";
    free = false;
    redistributable = false;
    deprecated = false;
  };
}
