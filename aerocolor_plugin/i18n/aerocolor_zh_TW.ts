<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_TW" sourcelanguage="en">
  <context>
    <name>AeroColor</name>
    <message>
      <location filename="../bridge/environment.py" line="109" />
      <source>AEROCOLOR_PYTHON variable</source>
      <translation>AEROCOLOR_PYTHON 環境變數</translation>
    </message>
    <message>
      <location filename="../bridge/environment.py" line="112" />
      <source>development checkout's .venv</source>
      <translation>開發目錄中的 .venv</translation>
    </message>
    <message>
      <location filename="../bridge/environment.py" line="114" />
      <source>managed environment in the QGIS profile</source>
      <translation>QGIS 設定檔中的受管環境</translation>
    </message>
    <message>
      <location filename="../bridge/environment.py" line="118" />
      <source>QGIS's own Python (it has torch)</source>
      <translation>QGIS 內建的 Python（已安裝 torch）</translation>
    </message>
    <message>
      <location filename="../bridge/environment.py" line="135" />
      <source>The backend interpreter {0} does not exist; choose another one in the AeroColor settings or click "Set up backend".</source>
      <translation>後端直譯器 {0} 不存在；請在 AeroColor 設定中選擇其他直譯器或按「設定後端」。</translation>
    </message>
    <message>
      <location filename="../bridge/environment.py" line="140" />
      <source>No Python with the AeroColor backend was found; click "Set up backend" or name an interpreter that has torch in the AeroColor settings.</source>
      <translation>找不到可執行 AeroColor 後端的 Python；請按「設定後端」，或在 AeroColor 設定中指定已安裝 torch 的直譯器。</translation>
    </message>
    <message>
      <location filename="../bridge/environment.py" line="150" />
      <source>The plugin's bundled backend is missing; reinstall the AeroColor plugin.</source>
      <translation>外掛內附的後端遺失；請重新安裝 AeroColor 外掛。</translation>
    </message>
    <message>
      <location filename="../bridge/environment.py" line="218" />
      <source>The backend interpreter did not run; choose another one or click "Set up backend".</source>
      <translation>後端直譯器無法執行；請選擇其他直譯器或按「設定後端」。</translation>
    </message>
    <message>
      <location filename="../bridge/environment.py" line="220" />
      <source>The backend interpreter has no PyTorch; click "Set up backend" to install it.</source>
      <translation>後端直譯器沒有 PyTorch；請按「設定後端」安裝。</translation>
    </message>
    <message>
      <location filename="../bridge/environment.py" line="222" />
      <source>The backend interpreter cannot import the bundled backend; reinstall the plugin.</source>
      <translation>後端直譯器無法匯入內附的後端；請重新安裝外掛。</translation>
    </message>
    <message>
      <location filename="../bridge/events.py" line="100" />
      <source>Cancelled; earlier results are kept.</source>
      <translation>已取消；先前的結果均已保留。</translation>
    </message>
    <message>
      <location filename="../bridge/events.py" line="102" />
      <source>The backend refused the input; check the settings and the log.</source>
      <translation>後端拒絕了輸入；請檢查設定與記錄。</translation>
    </message>
    <message>
      <location filename="../bridge/events.py" line="104" />
      <source>The backend could not write its files: the disk is full or the folder is not writable; free some space and run again.</source>
      <translation>後端無法寫入檔案：磁碟已滿或資料夾無法寫入；請釋出一些空間後再執行一次。</translation>
    </message>
    <message>
      <location filename="../bridge/events.py" line="106" />
      <source>The backend failed with exit code {0}; see the log.</source>
      <translation>後端失敗，結束代碼 {0}；請查看記錄。</translation>
    </message>
    <message>
      <location filename="../bridge/events.py" line="92" />
      <source> The log is in {0}.</source>
      <translation> 記錄檔位於 {0}。</translation>
    </message>
    <message>
      <location filename="../bridge/events.py" line="94" />
      <source>The backend stopped unexpectedly (it crashed or was killed); earlier results are kept.</source>
      <translation>後端意外停止（當機或被終止）；先前的結果均已保留。</translation>
    </message>
    <message>
      <location filename="../bridge/job.py" line="145" />
      <source>The backend did not stop; terminating it.</source>
      <translation>後端未停止；正在終止。</translation>
    </message>
    <message>
      <location filename="../bridge/job.py" line="146" />
      <source>The backend did not terminate; killing it.</source>
      <translation>後端未終止；正在強制結束。</translation>
    </message>
    <message>
      <location filename="../bridge/job.py" line="58" />
      <source>Could not start the backend interpreter {0}; choose a Python with torch in the AeroColor settings.</source>
      <translation>無法啟動後端直譯器 {0}；請在 AeroColor 設定中選擇已安裝 torch 的 Python。</translation>
    </message>
    <message>
      <location filename="../bridge/job.py" line="96" />
      <source>(not an event) {0}</source>
      <translation>（非事件）{0}</translation>
    </message>
    <message>
      <location filename="../bridge/setup_dialog.py" line="111" />
      <source>Could not start {0}.</source>
      <translation>無法啟動 {0}。</translation>
    </message>
    <message>
      <location filename="../bridge/setup_dialog.py" line="117" />
      <source>This step failed (exit code {0}); the log above says why.</source>
      <translation>此步驟失敗（結束代碼 {0}）；原因請見上方記錄。</translation>
    </message>
    <message>
      <location filename="../bridge/setup_dialog.py" line="126" />
      <source>AeroColor backend</source>
      <translation>AeroColor 後端</translation>
    </message>
    <message>
      <location filename="../bridge/setup_dialog.py" line="129" />
      <source>Python interpreter that runs the backend (it needs PyTorch):</source>
      <translation>執行後端的 Python 直譯器（需要 PyTorch）：</translation>
    </message>
    <message>
      <location filename="../bridge/setup_dialog.py" line="135" />
      <source>Detect</source>
      <translation>偵測</translation>
    </message>
    <message>
      <location filename="../bridge/setup_dialog.py" line="138" />
      <source>Check</source>
      <translation>檢查</translation>
    </message>
    <message>
      <location filename="../bridge/setup_dialog.py" line="142" />
      <source>Not checked yet.</source>
      <translation>尚未檢查。</translation>
    </message>
    <message>
      <location filename="../bridge/setup_dialog.py" line="153" />
      <source>Set up backend</source>
      <translation>設定後端</translation>
    </message>
    <message>
      <location filename="../bridge/setup_dialog.py" line="155" />
      <source>Copy diagnostics</source>
      <translation>複製診斷資訊</translation>
    </message>
    <message>
      <location filename="../bridge/setup_dialog.py" line="172" />
      <source>Found: {0} ({1}).</source>
      <translation>找到：{0}（{1}）。</translation>
    </message>
    <message>
      <location filename="../bridge/setup_dialog.py" line="174" />
      <source>No interpreter with the backend was found; click "Set up backend".</source>
      <translation>找不到可執行後端的直譯器；請按「設定後端」。</translation>
    </message>
    <message>
      <location filename="../bridge/setup_dialog.py" line="178" />
      <source>Checking…</source>
      <translation>檢查中…</translation>
    </message>
    <message>
      <location filename="../bridge/setup_dialog.py" line="186" />
      <source>CUDA GPU</source>
      <translation>CUDA GPU</translation>
    </message>
    <message>
      <location filename="../bridge/setup_dialog.py" line="186" />
      <source>CPU</source>
      <translation>CPU</translation>
    </message>
    <message>
      <location filename="../bridge/setup_dialog.py" line="187" />
      <source>Ready: torch {0} on {1}, backend {2}.</source>
      <translation>就緒：torch {0}，使用 {1}，後端 {2}。</translation>
    </message>
    <message>
      <location filename="../bridge/setup_dialog.py" line="194" />
      <source>QGIS's own Python was not found; install Python 3 and name it here.</source>
      <translation>找不到 QGIS 內建的 Python；請安裝 Python 3 並在此指定。</translation>
    </message>
    <message>
      <location filename="../bridge/setup_dialog.py" line="203" />
      <source>Setting up the backend in {0}; this downloads PyTorch once.</source>
      <translation>正在 {0} 設定後端；這會下載一次 PyTorch。</translation>
    </message>
    <message>
      <location filename="../bridge/setup_dialog.py" line="217" />
      <source>Setting up the backend failed; the log says why. Nothing else was changed.</source>
      <translation>後端設定失敗，原因請見記錄；其他設定均未變更。</translation>
    </message>
    <message>
      <location filename="../bridge/setup_dialog.py" line="222" />
      <source>Diagnostics copied to the clipboard.</source>
      <translation>診斷資訊已複製到剪貼簿。</translation>
    </message>
    <message>
      <location filename="../bridge/setup_dialog.py" line="60" />
      <source>The backend interpreter {0} could not be started; choose another one or click "Set up backend".</source>
      <translation>無法啟動後端直譯器 {0}；請選擇其他直譯器或按「設定後端」。</translation>
    </message>
    <message>
      <location filename="../capture/aoi.py" line="43" />
      <source>the drawn rectangle</source>
      <translation>繪製的矩形</translation>
    </message>
    <message>
      <location filename="../capture/aoi.py" line="43" />
      <source>the visible map</source>
      <translation>目前可見的地圖</translation>
    </message>
    <message>
      <location filename="../capture/engine.py" line="100" />
      <source>The grid CRS {0} is not known; choose a CRS such as EPSG:32651.</source>
      <translation>無法識別網格座標參考系統 {0}；請選擇如 EPSG:32651 的座標參考系統。</translation>
    </message>
    <message>
      <location filename="../capture/engine.py" line="129" />
      <source>The area of interest cannot be projected to {0}; choose an area inside the grid's CRS.</source>
      <translation>關注區域無法投影到 {0}；請選擇位於網格座標參考系統範圍內的區域。</translation>
    </message>
    <message>
      <location filename="../capture/engine.py" line="136" />
      <source>The area of interest does not overlap {0}; draw it where the layer has imagery.</source>
      <translation>關注區域與 {0} 沒有重疊；請在圖層有影像的地方繪製。</translation>
    </message>
    <message>
      <location filename="../capture/engine.py" line="139" />
      <source>zoom {0}</source>
      <translation>縮放等級 {0}</translation>
    </message>
    <message>
      <location filename="../capture/engine.py" line="139" />
      <source>{0} units/px</source>
      <translation>{0} 單位／像素</translation>
    </message>
    <message>
      <location filename="../capture/engine.py" line="140" />
      <source>{0} over this area makes about {1} tiles (the limit is {2}); choose a lower zoom, a coarser resolution or a smaller area.</source>
      <translation>以{0}涵蓋此區域約需 {1} 個圖塊（上限為 {2}）；請選擇較低的縮放等級、較粗的解析度或較小的區域。</translation>
    </message>
    <message>
      <location filename="../capture/engine.py" line="153" />
      <source>{0} is grey; choose a colour layer as the source and this one as the historical layer.</source>
      <translation>{0} 是灰階圖層；請選擇彩色圖層作為來源，並將此圖層設為歷史圖層。</translation>
    </message>
    <message>
      <location filename="../capture/engine.py" line="184" />
      <source>{0} returned none of the first {1} tiles it was asked for; check the connection and the layer's URL (tiles already on disk were kept).</source>
      <translation>{0} 在請求的前 {1} 個圖塊中一個也沒有回傳；請檢查連線與圖層的網址（已存到磁碟的圖塊都保留）。</translation>
    </message>
    <message>
      <location filename="../capture/engine.py" line="197" />
      <source>Choose the historical layer, or set its use to none.</source>
      <translation>請選擇歷史圖層，或將其用途設為「不使用」。</translation>
    </message>
    <message>
      <location filename="../capture/engine.py" line="222" />
      <source>Capture cancelled with {0} tiles on disk; run it again with the same settings to resume.</source>
      <translation>擷取已取消，磁碟上有 {0} 個圖塊；以相同設定再執行一次即可接續。</translation>
    </message>
    <message>
      <location filename="../capture/engine.py" line="273" />
      <source>No tile fell into {0} although its share is {1}: the area holds only {2} tiles in blocks of {3} x {3}; choose a smaller block or a larger area.</source>
      <translation>雖然 {0} 的比例為 {1}，卻沒有任何圖塊分到其中：此區域只有 {2} 個圖塊，區塊大小為 {3} x {3}；請選擇較小的區塊或較大的區域。</translation>
    </message>
    <message>
      <location filename="../capture/engine.py" line="298" />
      <source>{0} tiles were skipped for nodata: {1} to {2} of their pixels had no data, more than the {3} a tile may have; raise the largest nodata share to keep tiles like these, or turn off the layer's nodata value in its properties if those pixels are real.</source>
      <translation>有 {0} 個圖塊因無資料而略過：其中 {1} 至 {2} 的像素沒有資料，超過每個圖塊允許的 {3}；若要保留這類圖塊請提高最大無資料比例，若這些像素是真實資料，請在圖層屬性中關閉其無資料值。</translation>
    </message>
    <message>
      <location filename="../capture/engine.py" line="331" />
      <source>No usable tiles were captured (blank {0}, nodata {1}, missing {2}); check the layer over the area of interest.</source>
      <translation>沒有擷取到可用的圖塊（空白 {0}、無資料 {1}、缺少 {2}）；請檢查圖層在關注區域內的內容。</translation>
    </message>
    <message>
      <location filename="../capture/engine.py" line="57" />
      <source>Choose zoom levels or a ground resolution (m/px) for the tile grid.</source>
      <translation>請為圖塊網格選擇縮放等級或地面解析度（公尺／像素）。</translation>
    </message>
    <message>
      <location filename="../capture/engine.py" line="59" />
      <source>The ground resolution must be above 0 m/px.</source>
      <translation>地面解析度必須大於 0 公尺／像素。</translation>
    </message>
    <message>
      <location filename="../capture/engine.py" line="67" />
      <source>Historical tiles as the grey (A) set need the unpaired layout; choose 'unpaired' or use the historical layer for test tiles.</source>
      <translation>把歷史圖塊當作灰階（A）集需要非成對版面；請選擇「unpaired」，或將歷史圖層用於測試圖塊。</translation>
    </message>
    <message>
      <location filename="../capture/engine.py" line="70" />
      <source>The largest nodata share of a tile must be at least 0 and below 100 %.</source>
      <translation>每個圖塊的最大無資料比例必須至少為 0，且低於 100 %。</translation>
    </message>
    <message>
      <location filename="../capture/engine.py" line="72" />
      <source>The validation and test shares must leave some tiles for training.</source>
      <translation>驗證與測試的比例必須為訓練留下一些圖塊。</translation>
    </message>
    <message>
      <location filename="../capture/render.py" line="227" />
      <source>{0} could not be read at {1}; check the file.</source>
      <translation>無法在 {1} 讀取 {0}；請檢查檔案。</translation>
    </message>
    <message>
      <location filename="../capture/render.py" line="59" />
      <source>Choose a raster layer to capture.</source>
      <translation>請選擇要擷取的網格圖層。</translation>
    </message>
    <message>
      <location filename="../capture/render.py" line="61" />
      <source>The layer {0} failed to load; check its source or connection.</source>
      <translation>圖層 {0} 載入失敗；請檢查其來源或連線。</translation>
    </message>
    <message>
      <location filename="../capture/render.py" line="78" />
      <source>The layer {0} failed to load ({1}); check its source or connection.</source>
      <translation>圖層 {0} 載入失敗（{1}）；請檢查其來源或連線。</translation>
    </message>
    <message>
      <location filename="../capture/task.py" line="51" />
      <source>{0} tiles in {1} (train {2}, val {3}, test {4}; {5} skipped).</source>
      <translation>{1} 中共 {0} 個圖塊（訓練 {2}、驗證 {3}、測試 {4}；略過 {5}）。</translation>
    </message>
    <message>
      <location filename="../capture/writer.py" line="52" />
      <source>Choose a folder for the training set.</source>
      <translation>請為訓練集選擇資料夾。</translation>
    </message>
    <message>
      <location filename="../capture/writer.py" line="54" />
      <source>{0} is a file; choose a folder for the training set.</source>
      <translation>{0} 是檔案；請為訓練集選擇一個資料夾。</translation>
    </message>
    <message>
      <location filename="../capture/writer.py" line="61" />
      <source>{0} already holds another dataset or other files; choose an empty or new folder (nothing was overwritten).</source>
      <translation>{0} 已有其他資料集或檔案；請選擇空的或新的資料夾（未覆寫任何檔案）。</translation>
    </message>
    <message>
      <location filename="../capture/writer.py" line="66" />
      <source>the layers or the area of interest</source>
      <translation>圖層或關注區域</translation>
    </message>
    <message>
      <location filename="../capture/writer.py" line="67" />
      <source>{0} holds a capture made with other settings ({1}); use the same settings to resume it or choose a new folder (nothing was overwritten).</source>
      <translation>{0} 內是以其他設定（{1}）擷取的資料；請用相同設定接續，或選擇新的資料夾（沒有覆寫任何檔案）。</translation>
    </message>
    <message>
      <location filename="../capture/writer.py" line="84" />
      <source>The training-set folder {0} disappeared during the capture (deleted, moved or its drive unmounted); nothing more was written there; run the capture again to start it afresh.</source>
      <translation>訓練集資料夾 {0} 在擷取期間消失了（被刪除、移動或磁碟已卸載）；之後沒有再寫入任何檔案；請重新執行擷取，從頭開始。</translation>
    </message>
    <message>
      <location filename="../choices.py" line="19" />
      <source>auto</source>
      <translation>自動</translation>
    </message>
    <message>
      <location filename="../choices.py" line="23" />
      <source>the model's (resample)</source>
      <translation>依模型（重新取樣）</translation>
    </message>
    <message>
      <location filename="../choices.py" line="23" />
      <source>the input's own</source>
      <translation>依輸入本身</translation>
    </message>
    <message>
      <location filename="../choices.py" line="27" />
      <source>L*a*b* (keeps the photo's detail)</source>
      <translation>L*a*b*（保留照片細節）</translation>
    </message>
    <message>
      <location filename="../choices.py" line="27" />
      <source>RGB</source>
      <translation>RGB</translation>
    </message>
    <message>
      <location filename="../docks/capture_dock.py" line="105" />
      <source>Historical grey layer</source>
      <translation>歷史灰階圖層</translation>
    </message>
    <message>
      <location filename="../docks/capture_dock.py" line="107" />
      <source>not used</source>
      <translation>不使用</translation>
    </message>
    <message>
      <location filename="../docks/capture_dock.py" line="107" />
      <source>grey (A) set of the unpaired layout</source>
      <translation>非成對排列的灰階（A）集</translation>
    </message>
    <message>
      <location filename="../docks/capture_dock.py" line="108" />
      <source>test tiles (historical/)</source>
      <translation>測試圖塊（historical/）</translation>
    </message>
    <message>
      <location filename="../docks/capture_dock.py" line="110" />
      <source>What the historical grey layer's tiles are for: not used; the grey (A) set of an unpaired training set (CycleGAN, CUT learn from real old photos); or test tiles in historical/ to look at and score, never trained on.</source>
      <translation>歷史灰階圖層圖塊的用途：不使用；作為非成對訓練集的灰階（A）組（CycleGAN、CUT 從真實舊照片學習）；或作為 historical/ 中的測試圖塊，僅供檢視與評分，不用於訓練。</translation>
    </message>
    <message>
      <location filename="../docks/capture_dock.py" line="113" />
      <source>Use it as</source>
      <translation>用途</translation>
    </message>
    <message>
      <location filename="../docks/capture_dock.py" line="125" />
      <source>Tiles per side of a split block: neighbouring tiles go to the same split (train, val or test) in blocks of this many, so val and test never touch ground the model trained on.</source>
      <translation>分割區塊每邊的圖塊數：相鄰圖塊以此大小的區塊歸入同一分割（訓練、驗證或測試），使驗證與測試不會觸及模型訓練過的地面。</translation>
    </message>
    <message>
      <location filename="../docks/capture_dock.py" line="128" />
      <source>val</source>
      <translation>驗證</translation>
    </message>
    <message>
      <location filename="../docks/capture_dock.py" line="128" />
      <source>test</source>
      <translation>測試</translation>
    </message>
    <message>
      <location filename="../docks/capture_dock.py" line="128" />
      <source>block</source>
      <translation>區塊</translation>
    </message>
    <message>
      <location filename="../docks/capture_dock.py" line="131" />
      <source>Splits</source>
      <translation>資料分割</translation>
    </message>
    <message>
      <location filename="../docks/capture_dock.py" line="137" />
      <source>A tile with a larger share of nodata pixels (where the layer has no data, or every band holds its nodata value) is skipped and counted.</source>
      <translation>無資料像素（圖層沒有資料之處，或每個波段都是其無資料值）比例更高的圖塊會被略過並計數。</translation>
    </message>
    <message>
      <location filename="../docks/capture_dock.py" line="139" />
      <source>Largest nodata share</source>
      <translation>最大無資料比例</translation>
    </message>
    <message>
      <location filename="../docks/capture_dock.py" line="142" />
      <source>Training set folder</source>
      <translation>訓練集資料夾</translation>
    </message>
    <message>
      <location filename="../docks/capture_dock.py" line="146" />
      <source>Estimate</source>
      <translation>估算</translation>
    </message>
    <message>
      <location filename="../docks/capture_dock.py" line="148" />
      <source>Capture tiles</source>
      <translation>擷取圖塊</translation>
    </message>
    <message>
      <location filename="../docks/capture_dock.py" line="159" />
      <source>Choose a colour layer, an area of interest and a folder.</source>
      <translation>請選擇彩色圖層、研究範圍與資料夾。</translation>
    </message>
    <message>
      <location filename="../docks/capture_dock.py" line="206" />
      <source>Drag a rectangle on the map.</source>
      <translation>請在地圖上拖曳出矩形。</translation>
    </message>
    <message>
      <location filename="../docks/capture_dock.py" line="215" />
      <source>map units</source>
      <translation>地圖單位</translation>
    </message>
    <message>
      <location filename="../docks/capture_dock.py" line="216" />
      <source>{0:.0f} × {1:.0f} {2} ({3})</source>
      <translation>{0:.0f} × {1:.0f} {2}（{3}）</translation>
    </message>
    <message>
      <location filename="../docks/capture_dock.py" line="217" />
      <source>no CRS</source>
      <translation>無坐標參考系統</translation>
    </message>
    <message>
      <location filename="../docks/capture_dock.py" line="240" />
      <source>Draw a rectangle on the map first.</source>
      <translation>請先在地圖上繪製矩形。</translation>
    </message>
    <message>
      <location filename="../docks/capture_dock.py" line="244" />
      <source>Choose a polygon layer for the area of interest.</source>
      <translation>請為研究範圍選擇多邊形圖層。</translation>
    </message>
    <message>
      <location filename="../docks/capture_dock.py" line="247" />
      <source>There is no map canvas; draw a rectangle or choose polygons.</source>
      <translation>沒有地圖畫布；請繪製矩形或選擇多邊形。</translation>
    </message>
    <message>
      <location filename="../docks/capture_dock.py" line="265" />
      <source>Give one or more zoom levels, such as 15,16.</source>
      <translation>請輸入一個或多個縮放層級，例如 15,16。</translation>
    </message>
    <message>
      <location filename="../docks/capture_dock.py" line="295" />
      <source>at most </source>
      <translation>最多 </translation>
    </message>
    <message>
      <location filename="../docks/capture_dock.py" line="296" />
      <source>{0}{1:,} tiles of {2} px over {3}.</source>
      <translation>{0}{1:,} 個 {2} 像素的圖塊，涵蓋 {3}。</translation>
    </message>
    <message>
      <location filename="../docks/capture_dock.py" line="31" />
      <source>AeroColor: Capture</source>
      <translation>AeroColor：擷取</translation>
    </message>
    <message>
      <location filename="../docks/capture_dock.py" line="315" />
      <source>This capture makes about {0:,} tiles into {1}; it may take long and fetch much from the layer's server. Capture them?</source>
      <translation>此次擷取將在 {1} 產生約 {0:,} 個圖塊；可能耗時很久，並從圖層的伺服器下載大量資料。要擷取嗎？</translation>
    </message>
    <message>
      <location filename="../docks/capture_dock.py" line="317" />
      <source>Not started ({0:,} tiles); choose a smaller area or a lower zoom.</source>
      <translation>未開始（{0:,} 個圖塊）；請選擇較小的範圍或較低的縮放層級。</translation>
    </message>
    <message>
      <location filename="../docks/capture_dock.py" line="327" />
      <source>Capturing about {0:,} tiles…</source>
      <translation>正在擷取約 {0:,} 個圖塊…</translation>
    </message>
    <message>
      <location filename="../docks/capture_dock.py" line="335" />
      <source>Cancelling…</source>
      <translation>正在取消…</translation>
    </message>
    <message>
      <location filename="../docks/capture_dock.py" line="341" />
      <source>{0} of {1} tiles: {2} written, {3} already on disk, {4} skipped.</source>
      <translation>{1} 個圖塊中的 {0} 個：寫入 {2}，已存在 {3}，略過 {4}。</translation>
    </message>
    <message>
      <location filename="../docks/capture_dock.py" line="47" />
      <source>Colour layer</source>
      <translation>彩色圖層</translation>
    </message>
    <message>
      <location filename="../docks/capture_dock.py" line="50" />
      <source>Canvas extent</source>
      <translation>地圖畫布範圍</translation>
    </message>
    <message>
      <location filename="../docks/capture_dock.py" line="51" />
      <source>Rectangle drawn on the map</source>
      <translation>在地圖上繪製的矩形</translation>
    </message>
    <message>
      <location filename="../docks/capture_dock.py" line="52" />
      <source>Polygons of a layer</source>
      <translation>圖層中的多邊形</translation>
    </message>
    <message>
      <location filename="../docks/capture_dock.py" line="53" />
      <source>Area of interest</source>
      <translation>研究範圍</translation>
    </message>
    <message>
      <location filename="../docks/capture_dock.py" line="55" />
      <source>Draw rectangle</source>
      <translation>繪製矩形</translation>
    </message>
    <message>
      <location filename="../docks/capture_dock.py" line="58" />
      <source>none drawn</source>
      <translation>尚未繪製</translation>
    </message>
    <message>
      <location filename="../docks/capture_dock.py" line="64" />
      <source>Polygon layer</source>
      <translation>多邊形圖層</translation>
    </message>
    <message>
      <location filename="../docks/capture_dock.py" line="65" />
      <source>Selected features only</source>
      <translation>僅限選取的圖徵</translation>
    </message>
    <message>
      <location filename="../docks/capture_dock.py" line="69" />
      <source>Web-mercator zoom levels (XYZ)</source>
      <translation>Web 麥卡托縮放層級（XYZ）</translation>
    </message>
    <message>
      <location filename="../docks/capture_dock.py" line="70" />
      <source>Ground resolution in a CRS</source>
      <translation>指定座標系統的地面解析度</translation>
    </message>
    <message>
      <location filename="../docks/capture_dock.py" line="71" />
      <source>Tile grid</source>
      <translation>圖塊網格</translation>
    </message>
    <message>
      <location filename="../docks/capture_dock.py" line="73" />
      <source>Zoom levels, e.g. 15,16 or 15-17 (the study used 15-16)</source>
      <translation>縮放層級，例如 15,16 或 15-17（研究使用 15-16）</translation>
    </message>
    <message>
      <location filename="../docks/capture_dock.py" line="74" />
      <source>Zoom levels</source>
      <translation>縮放層級</translation>
    </message>
    <message>
      <location filename="../docks/capture_dock.py" line="79" />
      <source>Ground resolution (units/px)</source>
      <translation>地面解析度（單位/像素）</translation>
    </message>
    <message>
      <location filename="../docks/capture_dock.py" line="82" />
      <source>the layer's CRS</source>
      <translation>圖層的座標系統</translation>
    </message>
    <message>
      <location filename="../docks/capture_dock.py" line="84" />
      <source>Grid CRS</source>
      <translation>網格座標系統</translation>
    </message>
    <message>
      <location filename="../docks/capture_dock.py" line="89" />
      <source>Tile size (px)</source>
      <translation>圖塊大小（像素）</translation>
    </message>
    <message>
      <location filename="../docks/capture_dock.py" line="93" />
      <source>Format</source>
      <translation>格式</translation>
    </message>
    <message>
      <location filename="../docks/capture_dock.py" line="95" />
      <source>aligned A|B (pix2pix, BicycleGAN)</source>
      <translation>並排 A|B（pix2pix、BicycleGAN）</translation>
    </message>
    <message>
      <location filename="../docks/capture_dock.py" line="95" />
      <source>A/ + B/ pairs</source>
      <translation>A/ + B/ 成對</translation>
    </message>
    <message>
      <location filename="../docks/capture_dock.py" line="96" />
      <source>trainA/trainB (CycleGAN, CUT)</source>
      <translation>trainA/trainB（CycleGAN、CUT）</translation>
    </message>
    <message>
      <location filename="../docks/capture_dock.py" line="99" />
      <source>Layout</source>
      <translation>排列方式</translation>
    </message>
    <message>
      <location filename="../docks/colorize_dock.py" line="104" />
      <source>Batch</source>
      <translation>批次</translation>
    </message>
    <message>
      <location filename="../docks/colorize_dock.py" line="107" />
      <source>Device</source>
      <translation>裝置</translation>
    </message>
    <message>
      <location filename="../docks/colorize_dock.py" line="110" />
      <source>Ground resolution</source>
      <translation>地面解析度</translation>
    </message>
    <message>
      <location filename="../docks/colorize_dock.py" line="111" />
      <source>Write a Cloud Optimized GeoTIFF</source>
      <translation>寫成雲端最佳化 GeoTIFF（COG）</translation>
    </message>
    <message>
      <location filename="../docks/colorize_dock.py" line="113" />
      <source>Group with a modern layer for comparison</source>
      <translation>與現代圖層放入同一群組以便比較</translation>
    </message>
    <message>
      <location filename="../docks/colorize_dock.py" line="120" />
      <source>Modern layer</source>
      <translation>現代圖層</translation>
    </message>
    <message>
      <location filename="../docks/colorize_dock.py" line="136" />
      <source>Choose a grey layer and a model.</source>
      <translation>請選擇灰階圖層與模型。</translation>
    </message>
    <message>
      <location filename="../docks/colorize_dock.py" line="154" />
      <source>Colouring (models with a latent code)</source>
      <translation>著色（具潛在編碼的模型）</translation>
    </message>
    <message>
      <location filename="../docks/colorize_dock.py" line="160" />
      <source>Latent code</source>
      <translation>潛在編碼</translation>
    </message>
    <message>
      <location filename="../docks/colorize_dock.py" line="163" />
      <source>Several colourings, one GeoTIFF each (name_1.tif, name_2.tif, …)</source>
      <translation>多種著色，各存為一個 GeoTIFF（name_1.tif、name_2.tif、…）</translation>
    </message>
    <message>
      <location filename="../docks/colorize_dock.py" line="164" />
      <source>Colourings</source>
      <translation>著色數量</translation>
    </message>
    <message>
      <location filename="../docks/colorize_dock.py" line="167" />
      <source>The same seed gives the same colourings again</source>
      <translation>相同的種子會再次產生相同的著色</translation>
    </message>
    <message>
      <location filename="../docks/colorize_dock.py" line="168" />
      <source>Seed</source>
      <translation>種子</translation>
    </message>
    <message>
      <location filename="../docks/colorize_dock.py" line="171" />
      <source>Images (*.tif *.tiff *.png *.jpg *.jpeg)</source>
      <translation>影像 (*.tif *.tiff *.png *.jpg *.jpeg)</translation>
    </message>
    <message>
      <location filename="../docks/colorize_dock.py" line="172" />
      <source>A colour image (e.g. a modern photo of a similar place): the model's encoder reads its colouring and every tile uses it</source>
      <translation>一張彩色影像（例如相似地點的現代照片）：模型的編碼器讀取其著色，每個圖塊都使用它</translation>
    </message>
    <message>
      <location filename="../docks/colorize_dock.py" line="174" />
      <source>Colour image</source>
      <translation>彩色影像</translation>
    </message>
    <message>
      <location filename="../docks/colorize_dock.py" line="201" />
      <source>Ready to colorize {0} with {1}.</source>
      <translation>可以用 {1} 為 {0} 上色。</translation>
    </message>
    <message>
      <location filename="../docks/colorize_dock.py" line="231" />
      <source>Colorize layers</source>
      <translation>為圖層上色</translation>
    </message>
    <message>
      <location filename="../docks/colorize_dock.py" line="240" />
      <source>{0} (colour)</source>
      <translation>{0}（彩色）</translation>
    </message>
    <message>
      <location filename="../docks/colorize_dock.py" line="270" />
      <source>Choose a model</source>
      <translation>選擇模型</translation>
    </message>
    <message>
      <location filename="../docks/colorize_dock.py" line="270" />
      <source>AeroColor models (*.pt)</source>
      <translation>AeroColor 模型 (*.pt)</translation>
    </message>
    <message>
      <location filename="../docks/colorize_dock.py" line="293" />
      <source>Several colourings are made for one layer at a time; untick Several grey layers or choose one colouring.</source>
      <translation>多種上色結果一次只能針對一個圖層；請取消勾選「多個灰階圖層」，或只選一種上色結果。</translation>
    </message>
    <message>
      <location filename="../docks/colorize_dock.py" line="299" />
      <source>Add a grey raster layer to the project and choose it.</source>
      <translation>請將灰階網格圖層加入專案並選取它。</translation>
    </message>
    <message>
      <location filename="../docks/colorize_dock.py" line="302" />
      <source>{0} is not a raster file on disk; save it as a GeoTIFF first.</source>
      <translation>{0} 不是磁碟上的網格檔；請先另存為 GeoTIFF。</translation>
    </message>
    <message>
      <location filename="../docks/colorize_dock.py" line="306" />
      <source>Choose where to save the colour GeoTIFF.</source>
      <translation>請選擇彩色 GeoTIFF 的儲存位置。</translation>
    </message>
    <message>
      <location filename="../docks/colorize_dock.py" line="310" />
      <source>The output would overwrite the input; choose another file name.</source>
      <translation>輸出會覆寫輸入；請改用其他檔名。</translation>
    </message>
    <message>
      <location filename="../docks/colorize_dock.py" line="312" />
      <source>The output folder does not exist; choose an existing folder.</source>
      <translation>輸出資料夾不存在；請選擇已存在的資料夾。</translation>
    </message>
    <message>
      <location filename="../docks/colorize_dock.py" line="318" />
      <source>Choose a model file (.pt) from a training run.</source>
      <translation>請選擇訓練所產生的模型檔（.pt）。</translation>
    </message>
    <message>
      <location filename="../docks/colorize_dock.py" line="353" />
      <source>Starting the backend…</source>
      <translation>正在啟動後端…</translation>
    </message>
    <message>
      <location filename="../docks/colorize_dock.py" line="373" />
      <source>Colorizing: {0} %. {1}</source>
      <translation>上色中：{0} %。{1}</translation>
    </message>
    <message>
      <location filename="../docks/colorize_dock.py" line="384" />
      <source>{0} of {1} layers: {2}</source>
      <translation>第 {0}/{1} 個圖層：{2}</translation>
    </message>
    <message>
      <location filename="../docks/colorize_dock.py" line="409" />
      <source>Done: {0} of {1} layers in {2}.</source>
      <translation>完成：{1} 個圖層中的 {0} 個，存於 {2}。</translation>
    </message>
    <message>
      <location filename="../docks/colorize_dock.py" line="412" />
      <source>Not colorized: {0}: {1}</source>
      <translation>未上色：{0}：{1}</translation>
    </message>
    <message>
      <location filename="../docks/colorize_dock.py" line="43" />
      <source>AeroColor: Colorize</source>
      <translation>AeroColor：上色</translation>
    </message>
    <message>
      <location filename="../docks/colorize_dock.py" line="435" />
      <source>The backend finished but wrote no raster; see the log.</source>
      <translation>後端已結束但未寫出網格；請查看記錄。</translation>
    </message>
    <message>
      <location filename="../docks/colorize_dock.py" line="441" />
      <source>{0} (colorized)</source>
      <translation>{0}（已上色）</translation>
    </message>
    <message>
      <location filename="../docks/colorize_dock.py" line="443" />
      <source>{0} – comparison</source>
      <translation>{0} – 比較</translation>
    </message>
    <message>
      <location filename="../docks/colorize_dock.py" line="449" />
      <source>{0} (colouring {1})</source>
      <translation>{0}（著色 {1}）</translation>
    </message>
    <message>
      <location filename="../docks/colorize_dock.py" line="458" />
      <source>{0} and {1} more</source>
      <translation>{0} 及另外 {1} 個</translation>
    </message>
    <message>
      <location filename="../docks/colorize_dock.py" line="460" />
      <source>Done: {0}. The source layer was removed meanwhile, so the result is at the top of the layer tree.</source>
      <translation>完成：{0}。來源圖層已於執行期間移除，因此結果位於圖層樹最上方。</translation>
    </message>
    <message>
      <location filename="../docks/colorize_dock.py" line="463" />
      <source>Done: {0}</source>
      <translation>完成：{0}</translation>
    </message>
    <message>
      <location filename="../docks/colorize_dock.py" line="65" />
      <source>Grey layer</source>
      <translation>灰階圖層</translation>
    </message>
    <message>
      <location filename="../docks/colorize_dock.py" line="73" />
      <source>A model from a recent run, or any checkpoint file (.pt)</source>
      <translation>近期訓練的模型，或任何檢查點檔（.pt）</translation>
    </message>
    <message>
      <location filename="../docks/colorize_dock.py" line="78" />
      <source>Model</source>
      <translation>模型</translation>
    </message>
    <message>
      <location filename="../docks/colorize_dock.py" line="85" />
      <source>GeoTIFF (*.tif *.tiff)</source>
      <translation>GeoTIFF (*.tif *.tiff)</translation>
    </message>
    <message>
      <location filename="../docks/colorize_dock.py" line="86" />
      <source>Output GeoTIFF</source>
      <translation>輸出 GeoTIFF</translation>
    </message>
    <message>
      <location filename="../docks/colorize_dock.py" line="93" />
      <source>model's</source>
      <translation>依模型</translation>
    </message>
    <message>
      <location filename="../docks/colorize_dock.py" line="94" />
      <source>Tile (px)</source>
      <translation>圖塊（像素）</translation>
    </message>
    <message>
      <location filename="../docks/colorize_dock.py" line="99" />
      <source>Overlap (px)</source>
      <translation>重疊（像素）</translation>
    </message>
    <message>
      <location filename="../docks/several_layers.py" line="23" />
      <source>Several grey layers, into one folder</source>
      <translation>多個灰階圖層，輸出到同一個資料夾</translation>
    </message>
    <message>
      <location filename="../docks/several_layers.py" line="34" />
      <source>Grey layers</source>
      <translation>灰階圖層</translation>
    </message>
    <message>
      <location filename="../docks/several_layers.py" line="37" />
      <source>Output folder</source>
      <translation>輸出資料夾</translation>
    </message>
    <message>
      <location filename="../docks/several_layers.py" line="69" />
      <source>Tick the grey layers to colorize.</source>
      <translation>請勾選要上色的灰階圖層。</translation>
    </message>
    <message>
      <location filename="../docks/several_layers.py" line="78" />
      <source>Choose an existing folder for the colour GeoTIFFs.</source>
      <translation>請為彩色 GeoTIFF 選擇一個已存在的資料夾。</translation>
    </message>
    <message>
      <location filename="../docks/train_dock.py" line="104" />
      <source>Generator filters (ngf)</source>
      <translation>生成器濾波器數（ngf）</translation>
    </message>
    <message>
      <location filename="../docks/train_dock.py" line="106" />
      <source>Discriminator filters (ndf)</source>
      <translation>判別器濾波器數（ndf）</translation>
    </message>
    <message>
      <location filename="../docks/train_dock.py" line="108" />
      <source>family default</source>
      <translation>依模型類型預設</translation>
    </message>
    <message>
      <location filename="../docks/train_dock.py" line="111" />
      <source>GAN loss</source>
      <translation>GAN 損失</translation>
    </message>
    <message>
      <location filename="../docks/train_dock.py" line="113" />
      <source>Learning rate G</source>
      <translation>生成器學習率</translation>
    </message>
    <message>
      <location filename="../docks/train_dock.py" line="115" />
      <source>Learning rate D</source>
      <translation>判別器學習率</translation>
    </message>
    <message>
      <location filename="../docks/train_dock.py" line="119" />
      <source>Start</source>
      <translation>開始</translation>
    </message>
    <message>
      <location filename="../docks/train_dock.py" line="121" />
      <source>Stop</source>
      <translation>停止</translation>
    </message>
    <message>
      <location filename="../docks/train_dock.py" line="123" />
      <source>Resume</source>
      <translation>繼續</translation>
    </message>
    <message>
      <location filename="../docks/train_dock.py" line="125" />
      <source>Open run folder</source>
      <translation>開啟訓練資料夾</translation>
    </message>
    <message>
      <location filename="../docks/train_dock.py" line="127" />
      <source>Show run</source>
      <translation>顯示訓練</translation>
    </message>
    <message>
      <location filename="../docks/train_dock.py" line="128" />
      <source>Show the progress of the run in the run folder (after a restart)</source>
      <translation>顯示訓練資料夾中訓練的進度（重新啟動後使用）</translation>
    </message>
    <message>
      <location filename="../docks/train_dock.py" line="141" />
      <source>Idle.</source>
      <translation>閒置中。</translation>
    </message>
    <message>
      <location filename="../docks/train_dock.py" line="175" />
      <source>Fine-tune a trained model on your dataset (it keeps its family, colour mode and network), or train a new model from nothing</source>
      <translation>以您的資料集微調已訓練的模型（保留其模型類型、色彩模式與網路結構），或從頭訓練新模型</translation>
    </message>
    <message>
      <location filename="../docks/train_dock.py" line="227" />
      <source>Not an AeroColor model.</source>
      <translation>不是 AeroColor 模型。</translation>
    </message>
    <message>
      <location filename="../docks/train_dock.py" line="264" />
      <source>{0} is a {1} model in {2}, so Start from is now nothing: a new {3} model in {4}.</source>
      <translation>{0} 是 {2} 的 {1} 模型，因此起始模型已改為「無」：從頭訓練 {4} 的 {3} 新模型。</translation>
    </message>
    <message>
      <location filename="../docks/train_dock.py" line="274" />
      <source>Last run: {0}. Show run follows it; Resume continues it.</source>
      <translation>上次的訓練：{0}。按「顯示訓練」可追蹤其進度，按「繼續」可接續訓練。</translation>
    </message>
    <message>
      <location filename="../docks/train_dock.py" line="298" />
      <source>Choose a run folder; checkpoints, samples and logs go there.</source>
      <translation>請選擇訓練資料夾；檢查點、樣本與記錄都會存放在此。</translation>
    </message>
    <message>
      <location filename="../docks/train_dock.py" line="303" />
      <source>Choose the dataset folder (make one with the Capture dock or 'aerocolor dataset').</source>
      <translation>請選擇資料集資料夾（可用擷取面板或 'aerocolor dataset' 建立）。</translation>
    </message>
    <message>
      <location filename="../docks/train_dock.py" line="356" />
      <source>Stopping after the current step; the run is saved for resuming…</source>
      <translation>將在目前這一步後停止；訓練會儲存以便繼續…</translation>
    </message>
    <message>
      <location filename="../docks/train_dock.py" line="363" />
      <source>The run folder has no events.jsonl; choose the folder of a run.</source>
      <translation>訓練資料夾中沒有 events.jsonl；請選擇一次訓練的資料夾。</translation>
    </message>
    <message>
      <location filename="../docks/train_dock.py" line="377" />
      <source>This run is not running: it stopped before finishing (QGIS was closed or the backend was stopped). Press Resume to continue from its last checkpoint.</source>
      <translation>此訓練目前未在執行：它在完成前已停止（QGIS 已關閉或後端已停止）。請按「繼續」從最後的檢查點接續訓練。</translation>
    </message>
    <message>
      <location filename="../docks/train_dock.py" line="424" />
      <source>The run folder does not exist yet.</source>
      <translation>訓練資料夾尚不存在。</translation>
    </message>
    <message>
      <location filename="../docks/train_dock.py" line="435" />
      <source>Training on {0} (torch {1}).</source>
      <translation>正在 {0} 上訓練（torch {1}）。</translation>
    </message>
    <message>
      <location filename="../docks/train_dock.py" line="440" />
      <source>Epoch {0} of {1}, step {2} of {3}. {4}</source>
      <translation>第 {0}/{1} 輪，第 {2}/{3} 步。{4}</translation>
    </message>
    <message>
      <location filename="../docks/train_dock.py" line="452" />
      <source>Checkpoints are saved to {0} (after every epoch, and on Stop).</source>
      <translation>檢查點儲存於 {0}（每輪結束時，以及停止時）。</translation>
    </message>
    <message>
      <location filename="../docks/train_dock.py" line="463" />
      <source>Training finished; the model is {0}.</source>
      <translation>訓練完成；模型為 {0}。</translation>
    </message>
    <message>
      <location filename="../docks/train_dock.py" line="474" />
      <source>Stopped at epoch {0}, step {1}; the run is saved. Press Resume to continue from there.</source>
      <translation>已在第 {0} 輪、第 {1} 步停止；訓練已儲存。按「繼續」可從該處接續。</translation>
    </message>
    <message>
      <location filename="../docks/train_dock.py" line="476" />
      <source>Stopped; the run is saved. Press Resume to continue from there.</source>
      <translation>已停止；訓練已儲存。按「繼續」可從該處接續。</translation>
    </message>
    <message>
      <location filename="../docks/train_dock.py" line="54" />
      <source>AeroColor: Train</source>
      <translation>AeroColor：訓練</translation>
    </message>
    <message>
      <location filename="../docks/train_dock.py" line="73" />
      <source>Dataset folder</source>
      <translation>資料集資料夾</translation>
    </message>
    <message>
      <location filename="../docks/train_dock.py" line="76" />
      <source>Run folder</source>
      <translation>訓練資料夾</translation>
    </message>
    <message>
      <location filename="../docks/train_dock.py" line="77" />
      <source>Start from</source>
      <translation>起始模型</translation>
    </message>
    <message>
      <location filename="../docks/train_dock.py" line="84" />
      <source>Model family</source>
      <translation>模型類型</translation>
    </message>
    <message>
      <location filename="../docks/train_dock.py" line="87" />
      <source>Colour mode</source>
      <translation>色彩模式</translation>
    </message>
    <message>
      <location filename="../docks/train_dock.py" line="89" />
      <source>Epochs at full rate</source>
      <translation>全學習率輪數</translation>
    </message>
    <message>
      <location filename="../docks/train_dock.py" line="91" />
      <source>Epochs of decay</source>
      <translation>衰減輪數</translation>
    </message>
    <message>
      <location filename="../docks/train_dock.py" line="93" />
      <source>Batch size</source>
      <translation>批次大小</translation>
    </message>
    <message>
      <location filename="../docks/train_dock.py" line="99" />
      <source>Network and optimiser</source>
      <translation>網路與最佳化器</translation>
    </message>
    <message>
      <location filename="../docks/widgets.py" line="151" />
      <source>Losses appear here while training.</source>
      <translation>訓練時損失曲線會顯示於此。</translation>
    </message>
    <message>
      <location filename="../docks/widgets.py" line="165" />
      <source>log</source>
      <translation>對數</translation>
    </message>
    <message>
      <location filename="../docks/widgets.py" line="25" />
      <source>{0} h {1:02d} min left</source>
      <translation>剩餘 {0} 小時 {1:02d} 分</translation>
    </message>
    <message>
      <location filename="../docks/widgets.py" line="27" />
      <source>{0} min {1:02d} s left</source>
      <translation>剩餘 {0} 分 {1:02d} 秒</translation>
    </message>
    <message>
      <location filename="../docks/widgets.py" line="28" />
      <source>{0} s left</source>
      <translation>剩餘 {0} 秒</translation>
    </message>
    <message>
      <location filename="../docks/widgets.py" line="81" />
      <source>Set up backend…</source>
      <translation>設定後端…</translation>
    </message>
    <message>
      <location filename="../i18n_util.py" line="21" />
      <source>OK</source>
      <translation>確定</translation>
    </message>
    <message>
      <location filename="../i18n_util.py" line="22" />
      <source>Cancel</source>
      <translation>取消</translation>
    </message>
    <message>
      <location filename="../i18n_util.py" line="23" />
      <source>Close</source>
      <translation>關閉</translation>
    </message>
    <message>
      <location filename="../layers.py" line="61" />
      <source>The result {0} could not be opened as a raster.</source>
      <translation>無法將結果 {0} 開啟為網格。</translation>
    </message>
    <message>
      <location filename="../model_card.py" line="76" />
      <source>random, from a seed</source>
      <translation>隨機，由種子決定</translation>
    </message>
    <message>
      <location filename="../model_card.py" line="76" />
      <source>the model's average (z = 0)</source>
      <translation>模型的平均著色（z = 0）</translation>
    </message>
    <message>
      <location filename="../model_card.py" line="76" />
      <source>like a colour image</source>
      <translation>仿照一張彩色影像</translation>
    </message>
    <message>
      <location filename="../model_card.py" line="89" />
      <source>Choose the colour image whose colouring the model should follow.</source>
      <translation>請選擇模型應仿照其著色的彩色影像。</translation>
    </message>
    <message>
      <location filename="../mosaic.py" line="26" />
      <source>AeroColor: building mosaic {0}</source>
      <translation>AeroColor：正在建立鑲嵌圖 {0}</translation>
    </message>
    <message>
      <location filename="../mosaic_dialog.py" line="21" />
      <source>AeroColor: export mosaic</source>
      <translation>AeroColor：匯出鑲嵌圖</translation>
    </message>
    <message>
      <location filename="../mosaic_dialog.py" line="23" />
      <source>Rasters to join (later ones win where they overlap); AeroColor's colorized rasters are ticked:</source>
      <translation>要接合的網格（重疊處以後面者為準）；AeroColor 上色的網格已勾選：</translation>
    </message>
    <message>
      <location filename="../mosaic_dialog.py" line="38" />
      <source>GeoTIFF (*.tif);;Virtual raster (*.vrt)</source>
      <translation>GeoTIFF (*.tif);;虛擬網格 (*.vrt)</translation>
    </message>
    <message>
      <location filename="../mosaic_dialog.py" line="39" />
      <source>Mosaic file (.tif or .vrt):</source>
      <translation>鑲嵌圖檔案（.tif 或 .vrt）：</translation>
    </message>
    <message>
      <location filename="../mosaic_dialog.py" line="57" />
      <source>Tick at least one raster.</source>
      <translation>請至少勾選一個網格。</translation>
    </message>
    <message>
      <location filename="../mosaic_dialog.py" line="60" />
      <source>Choose where to save the mosaic.</source>
      <translation>請選擇鑲嵌圖的儲存位置。</translation>
    </message>
    <message>
      <location filename="../mosaic_dialog.py" line="71" />
      <source>AeroColor</source>
      <translation>AeroColor</translation>
    </message>
    <message>
      <location filename="../plugin.py" line="160" />
      <source>Select the layer to swipe in the Layers panel.</source>
      <translation>請在圖層面板中選取要滑動比較的圖層。</translation>
    </message>
    <message>
      <location filename="../plugin.py" line="20" />
      <source>&amp;AeroColor</source>
      <translation>AeroColor(&amp;A)</translation>
    </message>
    <message>
      <location filename="../plugin.py" line="71" />
      <source>Capture training tiles</source>
      <translation>擷取訓練圖塊</translation>
    </message>
    <message>
      <location filename="../plugin.py" line="72" />
      <source>Train model</source>
      <translation>訓練模型</translation>
    </message>
    <message>
      <location filename="../plugin.py" line="73" />
      <source>Colorize layer</source>
      <translation>為圖層上色</translation>
    </message>
    <message>
      <location filename="../plugin.py" line="75" />
      <source>Compare (swipe)</source>
      <translation>比較（滑動）</translation>
    </message>
    <message>
      <location filename="../plugin.py" line="78" />
      <source>Export mosaic…</source>
      <translation>匯出鑲嵌圖…</translation>
    </message>
    <message>
      <location filename="../plugin.py" line="79" />
      <source>Backend settings…</source>
      <translation>後端設定…</translation>
    </message>
    <message>
      <location filename="../plugin.py" line="84" />
      <source>Vertical line</source>
      <translation>垂直線</translation>
    </message>
    <message>
      <location filename="../plugin.py" line="84" />
      <source>Horizontal line</source>
      <translation>水平線</translation>
    </message>
    <message>
      <location filename="../processing/base.py" line="17" />
      <source>done</source>
      <translation>完成</translation>
    </message>
    <message>
      <location filename="../processing/base.py" line="17" />
      <source>skipped</source>
      <translation>略過</translation>
    </message>
    <message>
      <location filename="../processing/base.py" line="17" />
      <source>failed</source>
      <translation>失敗</translation>
    </message>
    <message>
      <location filename="../processing/base.py" line="22" />
      <source>already done with this model</source>
      <translation>已用此模型完成</translation>
    </message>
    <message>
      <location filename="../processing/base.py" line="29" />
      <source>Model (.pt or .onnx; empty: the bundled default model)</source>
      <translation>模型（.pt 或 .onnx；留空：內附的預設模型）</translation>
    </message>
    <message>
      <location filename="../processing/base.py" line="30" />
      <source>AeroColor models (*.pt *.onnx)</source>
      <translation>AeroColor 模型 (*.pt *.onnx)</translation>
    </message>
    <message>
      <location filename="../processing/base.py" line="64" />
      <source>{0}/{1} {2}: {3}</source>
      <translation>{0}/{1} {2}：{3}</translation>
    </message>
    <message>
      <location filename="../processing/base.py" line="71" />
      <source>Writing the Cloud Optimized GeoTIFF…</source>
      <translation>正在寫出雲端最佳化 GeoTIFF…</translation>
    </message>
    <message>
      <location filename="../processing/base.py" line="73" />
      <source>Backend {0} on {1} (torch {2}).</source>
      <translation>後端 {0} 於 {1}（torch {2}）。</translation>
    </message>
    <message>
      <location filename="../processing/base.py" line="78" />
      <source>Epoch {0}: {1}</source>
      <translation>第 {0} 輪：{1}</translation>
    </message>
    <message>
      <location filename="../processing/base.py" line="82" />
      <source>Checkpoint saved: {0}</source>
      <translation>已儲存檢查點：{0}</translation>
    </message>
    <message>
      <location filename="../processing/base.py" line="91" />
      <source>Could not start the backend interpreter ({0}); choose a Python with torch in the AeroColor settings.</source>
      <translation>無法啟動後端直譯器（{0}）；請在 AeroColor 設定中選擇已安裝 torch 的 Python。</translation>
    </message>
    <message>
      <location filename="../processing/capture_algorithm.py" line="100" />
      <source>Tiles captured</source>
      <translation>已擷取圖塊</translation>
    </message>
    <message>
      <location filename="../processing/capture_algorithm.py" line="101" />
      <source>Manifest</source>
      <translation>清單</translation>
    </message>
    <message>
      <location filename="../processing/capture_algorithm.py" line="131" />
      <source>Capturing {0} over {1} into {2}.</source>
      <translation>正在將 {0} 於 {1} 的範圍擷取到 {2}。</translation>
    </message>
    <message>
      <location filename="../processing/capture_algorithm.py" line="143" />
      <source>{0} tiles written ({1} resumed); skipped: blank {2}, nodata {3}, missing {4}.</source>
      <translation>已寫入 {0} 個圖塊（接續 {1} 個）；略過：空白 {2}、無資料 {3}、缺漏 {4}。</translation>
    </message>
    <message>
      <location filename="../processing/capture_algorithm.py" line="156" />
      <source>the polygons</source>
      <translation>多邊形</translation>
    </message>
    <message>
      <location filename="../processing/capture_algorithm.py" line="160" />
      <source>extent</source>
      <translation>範圍</translation>
    </message>
    <message>
      <location filename="../processing/capture_algorithm.py" line="161" />
      <source>Give the area of interest: an extent or a polygon layer.</source>
      <translation>請提供研究範圍：一個範圍或一個多邊形圖層。</translation>
    </message>
    <message>
      <location filename="../processing/capture_algorithm.py" line="55" />
      <source>Captures tiles of a colour layer (WMTS, XYZ, WMS or a raster file) over an area of interest on a web-mercator zoom grid or a ground-resolution grid, and writes a training set that 'Train model' reads: grey and colour tiles in the chosen layout, split into train, val and test by spatial blocks, with a manifest of bounds, CRS, m/px, source and attribution. Blank, nodata and missing tiles are skipped and counted; running again with the same settings resumes.</source>
      <translation>在研究範圍內，依 Web 麥卡托縮放網格或地面解析度網格擷取彩色圖層（WMTS、XYZ、WMS 或網格檔）的圖塊，並寫出「訓練模型」可讀取的訓練集：依所選排列方式的灰階與彩色圖塊，以空間區塊分為訓練、驗證與測試集，並附上記載範圍、座標系統、每像素公尺數、來源與出處的清單。空白、無資料與缺漏的圖塊會被略過並計數；以相同設定再次執行即可接續。</translation>
    </message>
    <message>
      <location filename="../processing/capture_algorithm.py" line="64" />
      <source>Area of interest (extent)</source>
      <translation>研究範圍（範圍）</translation>
    </message>
    <message>
      <location filename="../processing/capture_algorithm.py" line="66" />
      <source>Area of interest (polygons; used instead of the extent)</source>
      <translation>研究範圍（多邊形；取代範圍）</translation>
    </message>
    <message>
      <location filename="../processing/capture_algorithm.py" line="71" />
      <source>Zoom levels (e.g. 15,16)</source>
      <translation>縮放層級（例如 15,16）</translation>
    </message>
    <message>
      <location filename="../processing/capture_algorithm.py" line="72" />
      <source>Ground resolution (CRS units per px)</source>
      <translation>地面解析度（每像素座標單位）</translation>
    </message>
    <message>
      <location filename="../processing/capture_algorithm.py" line="74" />
      <source>Grid CRS (empty: the layer's)</source>
      <translation>網格座標系統（空白：依圖層）</translation>
    </message>
    <message>
      <location filename="../processing/capture_algorithm.py" line="77" />
      <source>Tile format</source>
      <translation>圖塊格式</translation>
    </message>
    <message>
      <location filename="../processing/capture_algorithm.py" line="81" />
      <source>trainA/trainB unpaired (CycleGAN, CUT)</source>
      <translation>trainA/trainB 非成對（CycleGAN、CUT）</translation>
    </message>
    <message>
      <location filename="../processing/capture_algorithm.py" line="84" />
      <source>Use of the historical layer</source>
      <translation>歷史圖層的用途</translation>
    </message>
    <message>
      <location filename="../processing/capture_algorithm.py" line="85" />
      <source>none</source>
      <translation>無</translation>
    </message>
    <message>
      <location filename="../processing/capture_algorithm.py" line="85" />
      <source>grey (A) set of an unpaired layout</source>
      <translation>非成對排列的灰階（A）集</translation>
    </message>
    <message>
      <location filename="../processing/capture_algorithm.py" line="86" />
      <source>Validation share</source>
      <translation>驗證集比例</translation>
    </message>
    <message>
      <location filename="../processing/capture_algorithm.py" line="88" />
      <source>Test share</source>
      <translation>測試集比例</translation>
    </message>
    <message>
      <location filename="../processing/capture_algorithm.py" line="90" />
      <source>Tiles per side of a split block</source>
      <translation>分割區塊每邊的圖塊數</translation>
    </message>
    <message>
      <location filename="../processing/capture_algorithm.py" line="92" />
      <source>Split seed</source>
      <translation>分割亂數種子</translation>
    </message>
    <message>
      <location filename="../processing/capture_algorithm.py" line="95" />
      <source>Largest share of nodata pixels in a tile (%)</source>
      <translation>圖塊中無資料像素的最大比例（%）</translation>
    </message>
    <message>
      <location filename="../processing/capture_algorithm.py" line="97" />
      <source>Refuse captures of more tiles than</source>
      <translation>拒絕超過此圖塊數的擷取</translation>
    </message>
    <message>
      <location filename="../processing/colorize_algorithm.py" line="25" />
      <source>Colorize raster</source>
      <translation>為網格上色</translation>
    </message>
    <message>
      <location filename="../processing/colorize_algorithm.py" line="28" />
      <source>Colorizes a grey (historical) raster with a trained AeroColor model and writes a georeferenced colour GeoTIFF on the input's grid.</source>
      <translation>以訓練好的 AeroColor 模型為灰階（歷史）網格上色，並依輸入的網格寫出具地理參考的彩色 GeoTIFF。</translation>
    </message>
    <message>
      <location filename="../processing/colorize_algorithm.py" line="34" />
      <source>Grey raster</source>
      <translation>灰階網格</translation>
    </message>
    <message>
      <location filename="../processing/colorize_algorithm.py" line="37" />
      <source>Tile in px (0: the model's)</source>
      <translation>圖塊像素（0：依模型）</translation>
    </message>
    <message>
      <location filename="../processing/colorize_algorithm.py" line="39" />
      <source>Overlap in px (-1: automatic)</source>
      <translation>重疊像素（-1：自動）</translation>
    </message>
    <message>
      <location filename="../processing/colorize_algorithm.py" line="41" />
      <source>Batch size (0: automatic)</source>
      <translation>批次大小（0：自動）</translation>
    </message>
    <message>
      <location filename="../processing/colorize_algorithm.py" line="46" />
      <source>Latent code (models that have one)</source>
      <translation>潛在編碼（具潛在編碼的模型）</translation>
    </message>
    <message>
      <location filename="../processing/colorize_algorithm.py" line="48" />
      <source>Seed of the random latent code</source>
      <translation>隨機潛在編碼的種子</translation>
    </message>
    <message>
      <location filename="../processing/colorize_algorithm.py" line="50" />
      <source>Colour image whose colouring to follow</source>
      <translation>要仿照其著色的彩色影像</translation>
    </message>
    <message>
      <location filename="../processing/colorize_algorithm.py" line="57" />
      <source>Colour raster</source>
      <translation>彩色網格</translation>
    </message>
    <message>
      <location filename="../processing/colorize_algorithm.py" line="62" />
      <source>The input raster could not be opened.</source>
      <translation>無法開啟輸入網格。</translation>
    </message>
    <message>
      <location filename="../processing/colorize_algorithm.py" line="69" />
      <source>Choose a model: this copy of AeroColor has no bundled default model.</source>
      <translation>請選擇模型：此份 AeroColor 未內附預設模型。</translation>
    </message>
    <message>
      <location filename="../processing/colorize_algorithm.py" line="71" />
      <source>No model given: using the bundled default model {0}.</source>
      <translation>未指定模型：使用內附的預設模型 {0}。</translation>
    </message>
    <message>
      <location filename="../processing/colorize_algorithm.py" line="74" />
      <source>The output must be a GeoTIFF (.tif).</source>
      <translation>輸出必須是 GeoTIFF（.tif）。</translation>
    </message>
    <message>
      <location filename="../processing/colorize_many_algorithm.py" line="26" />
      <source>Colorize rasters</source>
      <translation>為多個網格上色</translation>
    </message>
    <message>
      <location filename="../processing/colorize_many_algorithm.py" line="29" />
      <source>Colorizes many grey rasters with one model in one backend process, into one folder. A ledger there records what was done with which model: run it again after a crash or a cancel and the finished rasters are skipped. A raster that cannot be colorized is reported and the others go on.</source>
      <translation>以同一個模型、在同一個後端程序中為多個灰階網格上色，輸出到同一個資料夾。資料夾中的紀錄檔會記下每個檔案用哪個模型完成：當機或取消後再執行一次，已完成的網格會被略過。無法上色的網格會被回報，其餘照常進行。</translation>
    </message>
    <message>
      <location filename="../processing/colorize_many_algorithm.py" line="35" />
      <source>Grey rasters</source>
      <translation>灰階網格</translation>
    </message>
    <message>
      <location filename="../processing/colorize_many_algorithm.py" line="40" />
      <source>Output names ({stem}: the input's name)</source>
      <translation>輸出檔名（{stem}：輸入的檔名）</translation>
    </message>
    <message>
      <location filename="../processing/colorize_many_algorithm.py" line="43" />
      <source>Replace outputs not made by this model (otherwise they are kept)</source>
      <translation>取代不是由此模型產生的輸出（否則保留）</translation>
    </message>
    <message>
      <location filename="../processing/colorize_many_algorithm.py" line="45" />
      <source>Colour rasters</source>
      <translation>彩色網格</translation>
    </message>
    <message>
      <location filename="../processing/colorize_many_algorithm.py" line="56" />
      <source>Choose the grey rasters to colorize.</source>
      <translation>請選擇要上色的灰階網格。</translation>
    </message>
    <message>
      <location filename="../processing/export_algorithm.py" line="19" />
      <source>Export model as ONNX</source>
      <translation>將模型匯出為 ONNX</translation>
    </message>
    <message>
      <location filename="../processing/export_algorithm.py" line="22" />
      <source>Writes a model's generator as an ONNX file (its card inside), which Colorize runs through onnxruntime. The export holds no encoder, so a BicycleGAN model's colouring cannot follow a colour image; it runs at the model's own tile size, in 32-bit floats.</source>
      <translation>將模型的生成器寫成 ONNX 檔（內含模型卡），「上色」可透過 onnxruntime 執行它。匯出檔不含編碼器，因此 BicycleGAN 模型的上色無法依循一張彩色影像；它以模型本身的圖塊大小、32 位元浮點數執行。</translation>
    </message>
    <message>
      <location filename="../processing/export_algorithm.py" line="27" />
      <source>Model (.pt; empty: the bundled default model)</source>
      <translation>模型（.pt；留空：內附的預設模型）</translation>
    </message>
    <message>
      <location filename="../processing/export_algorithm.py" line="29" />
      <source>ONNX model</source>
      <translation>ONNX 模型</translation>
    </message>
    <message>
      <location filename="../processing/export_algorithm.py" line="29" />
      <source>ONNX models (*.onnx)</source>
      <translation>ONNX 模型 (*.onnx)</translation>
    </message>
    <message>
      <location filename="../processing/mosaic_algorithm.py" line="20" />
      <source>Build mosaic</source>
      <translation>建立鑲嵌圖</translation>
    </message>
    <message>
      <location filename="../processing/mosaic_algorithm.py" line="23" />
      <source>Joins colorized rasters of one coordinate system into one GeoTIFF (tiled, compressed, with overviews) or a VRT. Later inputs win where they overlap.</source>
      <translation>將同一座標系統的上色網格合併為一個 GeoTIFF（分塊、壓縮、含金字塔）或 VRT。重疊處以較後的輸入為準。</translation>
    </message>
    <message>
      <location filename="../processing/mosaic_algorithm.py" line="27" />
      <source>Rasters</source>
      <translation>網格</translation>
    </message>
    <message>
      <location filename="../processing/mosaic_algorithm.py" line="29" />
      <source>Mosaic</source>
      <translation>鑲嵌圖</translation>
    </message>
    <message>
      <location filename="../processing/mosaic_algorithm.py" line="36" />
      <source>{0} is not a raster file on disk; save it first.</source>
      <translation>{0} 不是磁碟上的網格檔；請先儲存。</translation>
    </message>
    <message>
      <location filename="../processing/provider.py" line="24" />
      <source>AeroColor: colorize historical aerial photographs</source>
      <translation>AeroColor：為歷史航空照片上色</translation>
    </message>
    <message>
      <location filename="../processing/train_algorithm.py" line="30" />
      <source>Trains a GAN colorizer on a dataset folder (from the Capture dock or 'aerocolor dataset'). The run folder keeps checkpoints, samples and logs; a stopped run can be resumed.</source>
      <translation>以資料集資料夾（由擷取面板或 'aerocolor dataset' 建立）訓練 GAN 上色模型。訓練資料夾保存檢查點、樣本與記錄；停止的訓練可以繼續。</translation>
    </message>
    <message>
      <location filename="../processing/train_algorithm.py" line="32" />
      <source>Start from: the bundled default model or a model file is fine-tuned on the dataset and keeps its family, colour mode and network, so the model family and colour mode must be its own and the generator and discriminator filters are not used; the tile must be a multiple of the model's. Nothing: a new model with the options given.</source>
      <translation>起始模型：內附的預設模型或模型檔會以資料集微調，並保留其模型類型、色彩模式與網路結構，因此模型類型與色彩模式須與該模型相同，且不使用生成器與判別器濾波器數；圖塊大小須為該模型所要求的倍數。無：依所給的選項訓練新模型。</translation>
    </message>
    <message>
      <location filename="../processing/train_algorithm.py" line="47" />
      <source>Model file to start from (.pt; used unless Start from is nothing)</source>
      <translation>起始模型檔（.pt；除非起始模型為「無」，否則使用此檔）</translation>
    </message>
    <message>
      <location filename="../processing/train_algorithm.py" line="58" />
      <source>Steps per epoch (0: the whole dataset)</source>
      <translation>每輪步數（0：整個資料集）</translation>
    </message>
    <message>
      <location filename="../processing/train_algorithm.py" line="68" />
      <source>Resume the run in the run folder</source>
      <translation>繼續訓練資料夾中的訓練</translation>
    </message>
    <message>
      <location filename="../processing/train_algorithm.py" line="70" />
      <source>Model checkpoint</source>
      <translation>模型檢查點</translation>
    </message>
    <message>
      <location filename="../processing/train_algorithm.py" line="92" />
      <source>Fine-tuning {0} ({1}).</source>
      <translation>微調 {0}（{1}）。</translation>
    </message>
    <message>
      <location filename="../start_from.py" line="23" />
      <source>the bundled default model</source>
      <translation>內附的預設模型</translation>
    </message>
    <message>
      <location filename="../start_from.py" line="23" />
      <source>a model file (.pt)</source>
      <translation>模型檔（.pt）</translation>
    </message>
    <message>
      <location filename="../start_from.py" line="23" />
      <source>nothing: a new model</source>
      <translation>無：從頭訓練新模型</translation>
    </message>
    <message>
      <location filename="../start_from.py" line="34" />
      <source>This copy of AeroColor has no bundled default model; start from a model file or from nothing.</source>
      <translation>此份 AeroColor 未內附預設模型；請從模型檔開始，或從頭訓練。</translation>
    </message>
    <message>
      <location filename="../start_from.py" line="39" />
      <source>Choose the model file (.pt) to start from, or start from nothing.</source>
      <translation>請選擇作為起點的模型檔（.pt），或從頭訓練。</translation>
    </message>
    <message>
      <location filename="../start_from.py" line="41" />
      <source>{0} is not an AeroColor model; choose a checkpoint (.pt) from a training run.</source>
      <translation>{0} 不是 AeroColor 模型；請選擇訓練所產生的檢查點（.pt）。</translation>
    </message>
    <message>
      <location filename="../start_from.py" line="47" />
      <source>The default model</source>
      <translation>預設模型</translation>
    </message>
    <message>
      <location filename="../start_from.py" line="82" />
      <source>{0} is a {1} model in {2}; fine-tuning keeps both: choose them, or start from nothing to train a new {3} model in {4}.</source>
      <translation>{0} 是 {2} 的 {1} 模型；微調會保留兩者：請選擇相同的模型類型與色彩模式，或從頭訓練 {4} 的 {3} 新模型。</translation>
    </message>
    <message>
      <location filename="../start_from.py" line="88" />
      <source>{0} works on tiles that are a multiple of {1} px; choose a tile of {2} px, for example.</source>
      <translation>{0} 的圖塊大小須為 {1} 像素的倍數；例如可選擇 {2} 像素。</translation>
    </message>
    <message>
      <location filename="../../backend/aerocolor/notices.py" line="11" />
      <source>{input} has 2 bands: band 1 is colorized and band 2 is its alpha (transparency) mask.</source>
      <translation>{input} 有 2 個波段：波段 1 會被上色，波段 2 是它的 alpha（透明度）遮罩。</translation>
    </message>
    <message>
      <location filename="../../backend/aerocolor/notices.py" line="12" />
      <source>{input} has 2 bands and band 2 is not an alpha band: band 1 is colorized and band 2 is left out; to colorize band 2, extract it first (gdal_translate -b 2).</source>
      <translation>{input} 有 2 個波段，且波段 2 不是 alpha 波段：只上色波段 1，略過波段 2；若要上色波段 2，請先將它取出（gdal_translate -b 2）。</translation>
    </message>
    <message>
      <location filename="../../backend/aerocolor/notices.py" line="14" />
      <source>{input} has colour bands; they are turned grey (BT.601 luma) before colorizing.</source>
      <translation>{input} 含有彩色波段；上色前會先轉成灰階（BT.601 亮度）。</translation>
    </message>
    <message>
      <location filename="../../backend/aerocolor/notices.py" line="15" />
      <source>{input} holds {dtype} values; they are stretched from {low} to {high} (the {stretch} percentiles).</source>
      <translation>{input} 的值為 {dtype}；會從 {low} 拉伸到 {high}（{stretch} 百分位數）。</translation>
    </message>
    <message>
      <location filename="../../backend/aerocolor/notices.py" line="17" />
      <source>{input} has a pixel grid but no coordinate reference system (CRS); the output has the same grid and no CRS either, so it will not line up with other layers until one is assigned (gdal_edit -a_srs EPSG:..., or the layer's properties in QGIS).</source>
      <translation>{input} 有像素網格但沒有座標參考系統（CRS）；輸出的網格相同，也沒有 CRS，因此在指定 CRS 之前無法與其他圖層對齊（gdal_edit -a_srs EPSG:...，或在 QGIS 的圖層屬性中設定）。</translation>
    </message>
    <message>
      <location filename="../../backend/aerocolor/notices.py" line="20" />
      <source>{input} declares the nodata value {nodata}, which its {dtype} pixels cannot hold; it is ignored and every pixel is colorized (set a value in range, e.g. gdal_edit -a_nodata 0, if some pixels are missing).</source>
      <translation>{input} 宣告的無資料值 {nodata} 超出其 {dtype} 像素可表示的範圍；此值會被忽略，所有像素都會上色（若有缺漏的像素，請設定範圍內的值，例如 gdal_edit -a_nodata 0）。</translation>
    </message>
    <message>
      <location filename="../../backend/aerocolor/notices.py" line="23" />
      <source>{input} has no georeferencing; the output has the same pixel grid and none either.</source>
      <translation>{input} 沒有地理參考；輸出的像素網格相同，同樣沒有地理參考。</translation>
    </message>
    <message>
      <location filename="../../backend/aerocolor/notices.py" line="24" />
      <source>{input} has no georeferencing; the output has the same pixel grid and none either (its ground control points are copied).</source>
      <translation>{input} 沒有地理參考；輸出的像素網格相同，同樣沒有地理參考（會複製其地面控制點）。</translation>
    </message>
    <message>
      <location filename="../../backend/aerocolor/notices.py" line="26" />
      <source>The input has {input_m} m/px and the model was trained at {model_m}: matching it would enlarge the input {factor} times, {work} times the work ({megapixels} megapixels through the model). It is enlarged {cap} times instead; --max-upsample {flag} (or Ground resolution: the model's) goes all the way, --gsd native not at all.</source>
      <translation>輸入為 {input_m} 公尺／像素，而模型以 {model_m} 訓練：若要配合模型，需將輸入放大 {factor} 倍，工作量為 {work} 倍（模型要處理 {megapixels} 百萬像素）。因此改為只放大 {cap} 倍；--max-upsample {flag}（或地面解析度選「模型的」）會完全配合，--gsd native 則完全不縮放。</translation>
    </message>
    <message>
      <location filename="../../backend/aerocolor/notices.py" line="30" />
      <source>The input has {input_m} m/px and the model was trained at {model_m}; the model sees the input resampled by {factor} and the colour comes back at the input's resolution.</source>
      <translation>輸入為 {input_m} 公尺／像素，而模型以 {model_m} 訓練；模型看到的是以 {factor} 倍重新取樣的輸入，色彩會以輸入的解析度輸出。</translation>
    </message>
    <message>
      <location filename="../../backend/aerocolor/notices.py" line="32" />
      <source>The input has {input_m} m/px and the model was trained at {model_m}; the model sees the input resampled by {factor} ({work} times the work: {megapixels} megapixels through the model) and the colour comes back at the input's resolution.</source>
      <translation>輸入為 {input_m} 公尺／像素，而模型以 {model_m} 訓練；模型看到的是以 {factor} 倍重新取樣的輸入（工作量為 {work} 倍：模型要處理 {megapixels} 百萬像素），色彩會以輸入的解析度輸出。</translation>
    </message>
    <message>
      <location filename="../../backend/aerocolor/notices.py" line="35" />
      <source>Tone match: the model sees the photo's greys (median {photo}) mapped to its training greys (median {trained}); the output keeps the photo's own tones.</source>
      <translation>色調匹配：模型看到的是把照片的灰階（中位數 {photo}）對應到其訓練灰階（中位數 {trained}）後的結果；輸出保留照片本身的色調。</translation>
    </message>
    <message>
      <location filename="../../backend/aerocolor/notices.py" line="37" />
      <source>Every pixel of {input} is nodata or masked, so {output} is fully transparent; check the raster's nodata value (gdalinfo; in QGIS the layer's Transparency properties).</source>
      <translation>{input} 的每個像素都是無資料或被遮罩，因此 {output} 完全透明；請檢查此網格的無資料值（gdalinfo；或 QGIS 圖層的透明度屬性）。</translation>
    </message>
    <message>
      <location filename="../../backend/aerocolor/notices.py" line="39" />
      <source>Checked that the {count} images of {data} decode ({seconds} s).</source>
      <translation>已確認 {data} 中的 {count} 張影像都能解碼（{seconds} 秒）。</translation>
    </message>
  </context>
</TS>
